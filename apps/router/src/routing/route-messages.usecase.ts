import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  type RenderRequested,
  renderRequestedLanes,
} from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { decideBatch, ledgerQueryFor } from './decide-batch';
import { decisionEvent, requestsToPublish } from './decision-events';
import { type DecisionRecord, DecisionStore } from './decision-store';
import type { LoadPolicyFacts } from './load-policy-facts';
import type { UnsubscribeLinkFactory } from './policy-ports';

/** A message's decision, and whether it was made now or found from an earlier delivery. */
export interface RouteOutcome {
  decision: DecisionRecord;
  redelivered: boolean;
}

export interface RouteMessagesOptions {
  links?: UnsubscribeLinkFactory;
  now?: () => Date;
}

/**
 * Decides a batch of accepted messages with every sending rule (see decideRoute for the order),
 * records each decision once together with what it spent of the recipients' budgets, and publishes
 * a delivery event per decision plus the render requests of a routed message (the first chosen
 * channel under 'fallback', every one under 'all').
 * A redelivered message keeps its first decision; its events are published again (with the
 * first decision's time, so analytics recognises them), in case the first delivery stopped
 * between recording and publishing.
 */
export class RouteMessages {
  private readonly now: () => Date;

  constructor(
    private readonly decisions: DecisionStore,
    private readonly loadFacts: LoadPolicyFacts,
    private readonly events: EventSink,
    private readonly options: RouteMessagesOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async execute(batch: MessageAccepted[]): Promise<Map<string, RouteOutcome>> {
    const messages = [...new Map(batch.map((message) => [message.messageId, message])).values()];
    const outcomes = new Map<string, RouteOutcome>();
    if (messages.length === 0) return outcomes;

    const facts = await this.loadFacts.execute(messages);
    const decidedAt = this.now();
    let decidedNow: DecisionRecord[] = [];
    const recorded = await this.decisions.decideNew({
      messageIds: messages.map((message) => message.messageId),
      messages: messages.map(({ tenantId, messageId, recipient }) => ({
        tenantId,
        messageId,
        ...(recipient.id === undefined ? {} : { recipientId: recipient.id }),
      })),
      ledger: ledgerQueryFor(messages, facts, decidedAt),
      decide: (state, undecided) => {
        const decided = decideBatch(messages, facts, state, undecided, {
          now: decidedAt,
          ...(this.options.links ? { links: this.options.links } : {}),
        });
        decidedNow = decided.records;
        return decided;
      },
    });
    for (const record of decidedNow) {
      if (recorded.has(record.messageId))
        outcomes.set(record.messageId, { decision: record, redelivered: false });
    }
    const earlierIds = messages.map((message) => message.messageId).filter((id) => !outcomes.has(id));
    if (earlierIds.length > 0) {
      const earlier = await this.decisions.findByIds(earlierIds);
      for (const decision of earlier) outcomes.set(decision.messageId, { decision, redelivered: true });
      const lost = earlierIds.filter((id) => !outcomes.has(id));
      if (lost.length > 0) {
        throw new Error(`decisions of messages ${lost.join(', ')} were neither recorded nor found; retrying`);
      }
    }

    await this.publish(messages, outcomes);
    return outcomes;
  }

  private async publish(messages: MessageAccepted[], outcomes: Map<string, RouteOutcome>): Promise<void> {
    const deliveryEvents: DeliveryEvent[] = [];
    const renderRequests: RenderRequested[] = [];
    for (const message of messages) {
      const { decision } = outcomes.get(message.messageId) as RouteOutcome;
      deliveryEvents.push(decisionEvent(decision));
      renderRequests.push(...requestsToPublish(decision));
    }
    await Promise.all([
      ...renderRequestedLanes(renderRequests).map(([topic, lane]) => this.events.publishMany(topic, lane)),
      this.events.publishMany(DeliveryEventTopic.topic, deliveryEvents),
    ]);
  }
}
