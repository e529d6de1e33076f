import type { IdempotencyStore } from '../idempotency/idempotency-record';

export interface AcceptedMessagePurger {
  purgeAcceptedBefore(cutoff: Date): Promise<number>;
}

export interface PurgeResult {
  idempotencyRecords: number;
  acceptedMessages: number;
}

/** Forgets idempotency keys past their 24 hours and accepted-message records past retention. */
export class PurgeExpiredRecords {
  constructor(
    private readonly idempotencyRecords: IdempotencyStore,
    private readonly acceptedMessages: AcceptedMessagePurger,
    private readonly acceptedMessageRetentionMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(): Promise<PurgeResult> {
    const now = this.now();
    return {
      idempotencyRecords: await this.idempotencyRecords.purgeExpired(now),
      acceptedMessages: await this.acceptedMessages.purgeAcceptedBefore(
        new Date(now.getTime() - this.acceptedMessageRetentionMs),
      ),
    };
  }
}
