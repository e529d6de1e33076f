import { Logger } from '@nestjs/common';
import type { EmailReceipt, ValidationProblem } from '@switchboard/contracts';
import { parseSesReceipt, type SnsMessage, type SnsRejectionReason } from '@switchboard/security';
import { emailReceiptOf } from './email-receipt-of';
import {
  EmailReceiptPublisher,
  ReceivedSnsMessages,
  SnsMessageVerification,
  SnsSubscriptionConfirmer,
} from './receipt-ports';
import { receiveSnsPost } from './sns-subscription-upkeep';

export type SnsMessageRejection = SnsRejectionReason | 'bad-subscribe-url';

export type SnsMessageOutcome =
  | { outcome: 'receipt-published'; notificationId: string; type: EmailReceipt['type'] }
  /** Genuine, but not a receipt the contract carries (e.g. SES's subscription test message). */
  | { outcome: 'notification-ignored'; notificationId: string; problems: ValidationProblem[] }
  | { outcome: 'subscription-confirmed'; topicArn: string }
  | { outcome: 'unsubscribe-noted'; topicArn: string }
  | { outcome: 'rejected'; reason: SnsMessageRejection; detail: string; problems?: ValidationProblem[] };

type SnsMessageOf<Type extends SnsMessage['Type']> = Extract<SnsMessage, { Type: Type }>;

/**
 * Handles one POST from an SNS subscription carrying SES receipts.
 *
 * The message id is remembered only after the message has been handled (the receipt
 * acknowledged by Kafka, the subscription confirmed), and the verifier is only asked whether it
 * is new. So a failure answers 5xx and SNS's retry is handled afresh, and a crash between publish
 * and remember costs a duplicate receipt, never a lost one. The price: two deliveries of one id
 * at the same moment may both publish; EmailReceipt carries notificationId so that consumers
 * record it once. Claiming the id first would need either a transaction held open across the
 * publish or an undo that a crash skips, losing the receipt.
 */
export class ReceiveSnsMessage {
  private readonly logger = new Logger(ReceiveSnsMessage.name);

  constructor(
    private readonly verification: SnsMessageVerification,
    private readonly receivedMessages: ReceivedSnsMessages,
    private readonly receipts: EmailReceiptPublisher,
    private readonly subscriptions: SnsSubscriptionConfirmer,
  ) {}

  execute(body: unknown): Promise<SnsMessageOutcome> {
    return receiveSnsPost(body, {
      verification: this.verification,
      receivedMessages: this.receivedMessages,
      subscriptions: this.subscriptions,
      logger: this.logger,
      subject: 'SNS message',
      onNotification: (message) => this.publishReceipt(message),
    });
  }

  private async publishReceipt(message: SnsMessageOf<'Notification'>): Promise<SnsMessageOutcome> {
    const notificationId = message.MessageId;
    const parsed = parseSesReceipt(message.Message);
    const receipt = parsed.ok ? emailReceiptOf(parsed.value, notificationId) : parsed;
    if (!receipt.ok) {
      // A retry would not change the message, so it is answered 200 and logged instead.
      this.logger.warn('SNS notification is not an SES receipt the contract carries; ignored', {
        snsMessageId: notificationId,
        topicArn: message.TopicArn,
        problems: receipt.problems,
      });
      return { outcome: 'notification-ignored', notificationId, problems: receipt.problems };
    }
    await this.receipts.publish(receipt.value);
    this.logger.log(`SES ${receipt.value.type} receipt published`, {
      snsMessageId: notificationId,
      providerMessageId: receipt.value.providerMessageId,
    });
    return { outcome: 'receipt-published', notificationId, type: receipt.value.type };
  }
}
