import type { EmailReceipt } from '@switchboard/contracts';
import type { SnsVerificationResult } from '@switchboard/security';

/** Checks an SNS POST body: shape, topic, certificate, age, signature and that its id is new. */
export abstract class SnsMessageVerification {
  abstract verify(body: unknown): Promise<SnsVerificationResult>;
}

/** SNS message ids already handled, kept at least as long as a message may still be delivered. */
export abstract class ReceivedSnsMessages {
  /** True while the id has not been handled. */
  abstract isNew(messageId: string): Promise<boolean>;
  /** Records a handled id; recording it again does nothing. */
  abstract remember(messageId: string): Promise<void>;
}

export abstract class EmailReceiptPublisher {
  /** Resolves once Kafka has acknowledged the receipt. */
  abstract publish(receipt: EmailReceipt): Promise<void>;
}

export abstract class SnsSubscriptionConfirmer {
  /** GETs the SubscribeURL of a verified SubscriptionConfirmation; only called with an SNS URL. */
  abstract confirm(subscribeUrl: string): Promise<void>;
}
