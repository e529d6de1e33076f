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
import { confirmSnsSubscription, rememberHandledSnsMessage } from './sns-subscription-upkeep';

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

  async execute(body: unknown): Promise<SnsMessageOutcome> {
    const verification = await this.verification.verify(body);
    if (!verification.accepted) {
      const { reason, detail, problems } = verification;
      this.logger.warn(`SNS message rejected: ${reason}`, { reason, detail });
      return { outcome: 'rejected', reason, detail, ...(problems === undefined ? {} : { problems }) };
    }
    const message = verification.notification;
    const outcome = await this.handle(message);
    if (outcome.outcome !== 'rejected')
      await rememberHandledSnsMessage(message, this.receivedMessages, this.logger);
    return outcome;
  }

  private handle(message: SnsMessage): Promise<SnsMessageOutcome> {
    switch (message.Type) {
      case 'Notification':
        return this.publishReceipt(message);
      case 'SubscriptionConfirmation':
        return confirmSnsSubscription(message, this.subscriptions, this.logger);
      case 'UnsubscribeConfirmation':
        this.logger.log(`SNS subscription to ${message.TopicArn} was unsubscribed`, {
          topicArn: message.TopicArn,
          snsMessageId: message.MessageId,
        });
        return Promise.resolve({ outcome: 'unsubscribe-noted', topicArn: message.TopicArn });
    }
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
