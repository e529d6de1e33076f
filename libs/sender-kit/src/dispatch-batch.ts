import type { PriorityName } from '@switchboard/contracts';
import type { ConsumedEvent } from '@switchboard/messaging';
import type { DeliveryClaim } from './delivery-ledger';
import type { Turn } from './fair-share';
import type { ProviderRoute } from './provider-route';

export interface Dispatch {
  tenantId: string;
  messageId: string;
}

export interface RetryTopic {
  /** The smallest delay this topic is meant for (RETRY_TIER_DELAY_MS). */
  delayMs: number;
  topic: string;
}

/** The same payload again, on a retry topic, not to be sent before `notBefore`. */
export interface ScheduledRetry<TDispatch> {
  topic: string;
  payload: TDispatch;
  attempt: number;
  notBefore: Date;
  firstAttemptAt: Date;
}

export type SendOutcome =
  | { result: 'sent'; provider: string; providerMessageId: string }
  | { result: 'failed'; provider: string; reason: string }
  | { result: 'retry-scheduled'; notBefore: Date; topic: string; reason: string }
  | { result: 'dead-lettered'; reason: string }
  | { result: 'skipped'; reason: string };

/** One dispatch of a batch on its way: `index` is its place in the batch, where its outcome goes. */
export interface BatchItem<TDispatch> {
  index: number;
  event: ConsumedEvent<TDispatch>;
  firstAttemptAt: Date;
  priority: PriorityName;
}

export interface ClaimedItem<TDispatch> extends BatchItem<TDispatch> {
  claim: Extract<DeliveryClaim, { outcome: 'claimed' }>;
}

export interface ChosenItem<TDispatch> extends ClaimedItem<TDispatch> {
  route: ProviderRoute<TDispatch>;
  probe: boolean;
}

export interface AdmittedItem<TDispatch> extends ChosenItem<TDispatch> {
  turn: Turn;
}
