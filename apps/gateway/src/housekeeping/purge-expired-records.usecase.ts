import type { IdempotencyStore } from '../idempotency/idempotency-record';

export interface AcceptedMessagePurger {
  purgeAcceptedBefore(cutoff: Date): Promise<number>;
}

export interface ReceivedSnsMessagePurger {
  purgeReceivedBefore(cutoff: Date): Promise<number>;
}

export interface PurgeResult {
  idempotencyRecords: number;
  acceptedMessages: number;
  receivedSnsMessages: number;
}

/**
 * Forgets idempotency keys past their 24 hours, accepted-message records past retention and SNS
 * message ids past the window in which a replay of them would still be accepted.
 */
export class PurgeExpiredRecords {
  constructor(
    private readonly idempotencyRecords: IdempotencyStore,
    private readonly acceptedMessages: AcceptedMessagePurger,
    private readonly acceptedMessageRetentionMs: number,
    private readonly receivedSnsMessages: ReceivedSnsMessagePurger,
    private readonly receivedSnsMessageRetentionMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(): Promise<PurgeResult> {
    const now = this.now();
    return {
      idempotencyRecords: await this.idempotencyRecords.purgeExpired(now),
      acceptedMessages: await this.acceptedMessages.purgeAcceptedBefore(
        new Date(now.getTime() - this.acceptedMessageRetentionMs),
      ),
      receivedSnsMessages: await this.receivedSnsMessages.purgeReceivedBefore(
        new Date(now.getTime() - this.receivedSnsMessageRetentionMs),
      ),
    };
  }
}
