import { Logger } from '@nestjs/common';
import type { ValidationProblem } from '@switchboard/contracts';
import type { SnsMessage } from '@switchboard/security';
import {
  ReceivedSnsMessages,
  SnsMessageVerification,
  SnsSubscriptionConfirmer,
} from '../receipts/receipt-ports';
import type { SnsMessageRejection } from '../receipts/receive-sns-message.usecase';
import { receiveSnsPost } from '../receipts/sns-subscription-upkeep';
import { parseInboundSms, replyingNumberOf } from './inbound-sms';
import { replyIntentOf } from './sms-keywords';
import { SmsReplySuppressions } from './sms-reply-ports';

export type SmsReplyIgnoredReason = 'not-an-inbound-sms' | 'no-keyword' | 'unreadable-number';

export type SmsReplyOutcome =
  /** `created` false: the number was suppressed already. */
  | { outcome: 'opted-out'; snsMessageId: string; created: boolean }
  /** `lifted` false: there was no STOP of the number's to lift (a bounce's suppression stays). */
  | { outcome: 'opted-in'; snsMessageId: string; lifted: boolean }
  | { outcome: 'reply-ignored'; snsMessageId: string; reason: SmsReplyIgnoredReason }
  | { outcome: 'subscription-confirmed'; topicArn: string }
  | { outcome: 'unsubscribe-noted'; topicArn: string }
  | { outcome: 'rejected'; reason: SnsMessageRejection; detail: string; problems?: ValidationProblem[] };

type SnsMessageOf<Type extends SnsMessage['Type']> = Extract<SnsMessage, { Type: Type }>;

/**
 * Handles one POST from the SNS subscription of a two-way SMS topic: a reply of STOP (or its
 * equivalents) suppresses the replying number for the SMS of the topic's tenant, START lifts that
 * suppression again. As for SES receipts, the message id is remembered only once the reply has
 * taken effect, so a failure answers 5xx and SNS's retry is handled afresh; handling one twice
 * changes nothing, as adding and lifting a suppression are idempotent.
 *
 * Phone numbers and message text are personal data: they are never logged.
 */
export class ReceiveSmsReply {
  private readonly logger = new Logger(ReceiveSmsReply.name);

  constructor(
    private readonly verification: SnsMessageVerification,
    private readonly receivedMessages: ReceivedSnsMessages,
    private readonly suppressions: SmsReplySuppressions,
    private readonly subscriptions: SnsSubscriptionConfirmer,
    /** The tenant whose numbers a topic receives the replies of; the verifier allows only those topics. */
    private readonly tenantOfTopic: (topicArn: string) => string | undefined,
  ) {}

  execute(body: unknown): Promise<SmsReplyOutcome> {
    return receiveSnsPost(body, {
      verification: this.verification,
      receivedMessages: this.receivedMessages,
      subscriptions: this.subscriptions,
      logger: this.logger,
      subject: 'SNS message to the SMS reply route',
      onNotification: (message) => this.applyReply(message),
    });
  }

  private async applyReply(message: SnsMessageOf<'Notification'>): Promise<SmsReplyOutcome> {
    const snsMessageId = message.MessageId;
    const tenantId = this.tenantOfTopic(message.TopicArn);
    const parsed = parseInboundSms(message.Message);
    // A retry would not change the message, so what cannot be used is answered 200 and logged.
    if (tenantId === undefined || !parsed.ok) {
      this.logger.warn('SNS notification is not an inbound SMS; ignored', {
        snsMessageId,
        topicArn: message.TopicArn,
        problems: parsed.ok ? [] : parsed.problems,
      });
      return { outcome: 'reply-ignored', snsMessageId, reason: 'not-an-inbound-sms' };
    }
    const reply = parsed.value;
    const context = { tenantId, snsMessageId, inboundMessageId: reply.inboundMessageId };
    const intent = replyIntentOf(reply.messageBody);
    if (intent === undefined) {
      this.logger.log('SMS reply is no opt-out or opt-in keyword; ignored', context);
      return { outcome: 'reply-ignored', snsMessageId, reason: 'no-keyword' };
    }
    const phoneNumber = replyingNumberOf(reply);
    if (phoneNumber === undefined) {
      this.logger.warn(`SMS ${intent} reply from a number that cannot be read; ignored`, context);
      return { outcome: 'reply-ignored', snsMessageId, reason: 'unreadable-number' };
    }
    if (intent === 'opt-out') {
      const { created } = await this.suppressions.optOut(tenantId, phoneNumber);
      this.logger.log('SMS reply opted the number out of SMS', { ...context, created });
      return { outcome: 'opted-out', snsMessageId, created };
    }
    const { lifted } = await this.suppressions.optIn(tenantId, phoneNumber);
    this.logger.log('SMS reply opted the number back in to SMS', { ...context, lifted });
    return { outcome: 'opted-in', snsMessageId, lifted };
  }
}
