import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type RenderRequested,
  renderRequestedLanes,
} from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { decideBatch, ledgerQueryFor } from '../routing/decide-batch';
import { decisionEvent, requestsToPublish } from '../routing/decision-events';
import type { DecisionRecord } from '../routing/decision-store';
import { ROUTER_SOURCE } from '../routing/router-source';
import type { LoadPolicyFacts } from '../routing/load-policy-facts';
import type { UnsubscribeLinkFactory } from '../routing/policy-ports';
import { type DueDeferral, ScheduleStore } from './schedule-store';

export const DEFAULT_RELEASE_BATCH_SIZE = 500;

export interface ReleaseDueSchedulesOptions {
  batchSize?: number;
  links?: UnsubscribeLinkFactory;
  now?: () => Date;
}

/**
 * Decides deferred messages again once their time has come — a preference changed meanwhile, quiet
 * hours or a frequency limit still holding them all count — and publishes the render requests of
 * those routed now, with a delivery event each. Returns how many it took; a full batch means more
 * may be due.
 */
export class ReleaseDueSchedules {
  readonly batchSize: number;
  private readonly now: () => Date;

  constructor(
    private readonly schedules: ScheduleStore,
    private readonly loadFacts: LoadPolicyFacts,
    private readonly events: EventSink,
    private readonly options: ReleaseDueSchedulesOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_RELEASE_BATCH_SIZE;
    this.now = options.now ?? (() => new Date());
  }

  async execute(): Promise<number> {
    const now = this.now();
    const due = await this.schedules.findDue(now, this.batchSize);
    if (due.length === 0) return 0;
    const messages = due.flatMap((deferral) => (deferral.message ? [deferral.message] : []));
    const facts = await this.loadFacts.execute(messages);
    const claimed = await this.schedules.release(due, now, {
      ledger: ledgerQueryFor(messages, facts, now),
      decide: (claimedIds, state) =>
        decideBatch(
          messages.filter((message) => claimedIds.has(message.messageId)),
          facts,
          state,
          claimedIds,
          { now, released: true, ...(this.options.links ? { links: this.options.links } : {}) },
        ),
      publish: (claimedDeferrals, decisions) => this.publish(claimedDeferrals, decisions, now),
    });
    // A batch that another replica took whole still says "more may be due".
    return claimed === 0 ? 0 : due.length;
  }

  private async publish(claimed: DueDeferral[], decisions: DecisionRecord[], now: Date): Promise<void> {
    const byId = new Map(decisions.map((decision) => [decision.messageId, decision]));
    const renderRequests: RenderRequested[] = [];
    const deliveryEvents: DeliveryEvent[] = [];
    for (const deferral of claimed) {
      const decision = byId.get(deferral.messageId);
      if (decision) {
        renderRequests.push(...requestsToPublish(decision));
        const event = decisionEvent(decision);
        deliveryEvents.push({
          ...event,
          detail: { ...event.detail, scheduledFor: deferral.dueAt.toISOString() },
        });
      } else if (deferral.message === undefined) {
        renderRequests.push(...deferral.renderRequests);
        deliveryEvents.push(legacyReleasedEvent(deferral, now));
      }
    }
    await Promise.all([
      ...renderRequestedLanes(renderRequests).map(([topic, lane]) => this.events.publishMany(topic, lane)),
      this.events.publishMany(DeliveryEventTopic.topic, deliveryEvents),
    ]);
  }
}

function legacyReleasedEvent(deferral: DueDeferral, releasedAt: Date): DeliveryEvent {
  return {
    tenantId: deferral.tenantId,
    messageId: deferral.messageId,
    type: 'routed',
    occurredAt: releasedAt.toISOString(),
    source: ROUTER_SOURCE,
    channel: deferral.renderRequests[0]?.channel,
    detail: { scheduledFor: deferral.dueAt.toISOString() },
  };
}
