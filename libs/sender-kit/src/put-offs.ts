import { retryTierFor, type Clock } from '@switchboard/delivery';
import type {
  AdmittedItem,
  BatchItem,
  ChosenItem,
  Dispatch,
  RetryTopic,
  ScheduledRetry,
} from './dispatch-batch';
import { FairShare } from './fair-share';
import type { ProviderRoute } from './provider-route';

export const FAIR_SHARE_REASON = 'rate-limited: fair share';

/** A dispatch to put off until `until`, without a provider call. */
export interface PutOff<TItem> {
  item: TItem;
  until: Date;
}

/**
 * The retry that puts a dispatch off: the same attempt again (none is used up) on the tier that
 * fits the wait, not before `until`.
 */
export function putOffRetry<TDispatch>(
  item: BatchItem<TDispatch>,
  until: Date,
  now: number,
  retryTopics: readonly RetryTopic[],
): { retry: ScheduledRetry<TDispatch>; delayMs: number } {
  const delayMs = Math.max(0, until.getTime() - now);
  const tier = retryTierFor(delayMs, retryTopics);
  return {
    retry: {
      topic: tier.topic,
      payload: item.event.payload,
      attempt: item.event.attempt,
      notBefore: until,
      firstAttemptAt: item.firstAttemptAt,
    },
    delayMs,
  };
}

/** Each provider's FairShare, and which of a batch's dispatches they put off (see FairShare). */
export class FairSharePutOffs<TDispatch extends Dispatch> {
  private readonly fairShares = new Map<ProviderRoute<TDispatch>, FairShare>();

  constructor(routes: ReadonlyArray<ProviderRoute<TDispatch>>, options: { maxWaitMs: number; clock: Clock }) {
    for (const route of routes) {
      this.fairShares.set(
        route,
        new FairShare({ rateLimiter: route.rateLimiter, maxWaitMs: options.maxWaitMs, clock: options.clock }),
      );
    }
  }

  /**
   * Takes each fresh dispatch's slot in its tenant's schedule for `route`, the provider it is likely
   * to go to, and puts off those whose slot is too far off: a batch of one tenant's backlog then
   * moves on at the pace of a publish, not of the provider's rate, and other tenants' dispatches
   * behind it in the partition come soon. A dispatch back from a retry topic comes at its time: it
   * is only checked for its turn (see admit).
   */
  scheduleFresh<TItem extends BatchItem<TDispatch>>(
    items: readonly TItem[],
    route: ProviderRoute<TDispatch>,
    isFromRetryTopic: (item: TItem) => boolean,
  ): { due: TItem[]; putOff: Array<PutOff<TItem>> } {
    const fairShare = this.fairShareOf(route);
    const due: TItem[] = [];
    const putOff: Array<PutOff<TItem>> = [];
    for (const item of items) {
      const slot = isFromRetryTopic(item)
        ? ({ due: true } as const)
        : fairShare.schedule(item.event.payload.tenantId, item.priority);
      if (slot.due) due.push(item);
      else putOff.push({ item, until: slot.until });
    }
    return { due, putOff };
  }

  /**
   * Each chosen dispatch takes its place in the queue for its provider's tokens, or, when its turn
   * is too far off counting from its batch's start (`heldMs` ago), is to be put off. A probe is
   * never put off: its slot must be used or given back.
   */
  admit(
    chosen: ReadonlyArray<ChosenItem<TDispatch>>,
    heldMs: number,
    signal: AbortSignal,
  ): { admitted: Array<AdmittedItem<TDispatch>>; putOff: Array<PutOff<ChosenItem<TDispatch>>> } {
    const admitted: Array<AdmittedItem<TDispatch>> = [];
    const putOff: Array<PutOff<ChosenItem<TDispatch>>> = [];
    for (const item of chosen) {
      const admission = this.fairShareOf(item.route).admit(
        item.event.payload.tenantId,
        item.priority,
        signal,
        { heldMs, mustWait: item.probe },
      );
      if (admission.admitted) admitted.push({ ...item, turn: admission.turn });
      else putOff.push({ item, until: admission.until });
    }
    return { admitted, putOff };
  }

  private fairShareOf(route: ProviderRoute<TDispatch>): FairShare {
    const fairShare = this.fairShares.get(route);
    if (fairShare === undefined) throw new Error(`no fair share for provider ${route.provider.name}`);
    return fairShare;
  }
}
