import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  type RenderRequested,
  RenderRequestedTopic,
} from '@switchboard/contracts';
import { type Suppression, SuppressionStore, suppressionKey } from '../suppressions/suppression';
import { decideRoute, type RouteDecision } from './decide-route';
import { type DecisionRecord, DecisionStore, type ScheduledRender } from './decision-store';
import { type EventSink, ROUTER_SOURCE } from './event-sink';

/** A message's decision, and whether it was made now or found from an earlier delivery. */
export interface RouteOutcome {
  decision: DecisionRecord;
  redelivered: boolean;
}

/**
 * Decides a batch of accepted messages (see decideRoute for the order), records each decision
 * once, and publishes a delivery event per decision plus a render request per routed message.
 * A redelivered message keeps its first decision; its events are published again (with the
 * first decision's time, so analytics recognises them), in case the first delivery stopped
 * between recording and publishing.
 */
export class RouteMessages {
  constructor(
    private readonly decisions: DecisionStore,
    private readonly suppressions: SuppressionStore,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(batch: MessageAccepted[]): Promise<Map<string, RouteOutcome>> {
    const messages = [...new Map(batch.map((message) => [message.messageId, message])).values()];
    const outcomes = new Map<string, RouteOutcome>();
    if (messages.length === 0) return outcomes;

    const suppressions = await this.suppressionsFor(messages);
    const decidedAt = this.now();
    const records: DecisionRecord[] = [];
    const schedules: ScheduledRender[] = [];
    for (const message of messages) {
      const suppression = suppressions.get(
        suppressionKey({ tenantId: message.tenantId, channel: 'email', address: message.recipient.email }),
      );
      const route = decideRoute({ message, suppression, now: decidedAt });
      records.push(toRecord(message, route, decidedAt));
      if (route.decision === 'deferred') {
        schedules.push({
          tenantId: message.tenantId,
          messageId: message.messageId,
          dueAt: route.dueAt,
          renderRequest: renderRequest(message, route.address),
        });
      }
    }

    const recorded = await this.decisions.recordNew(records, schedules);
    for (const record of records) {
      if (recorded.has(record.messageId))
        outcomes.set(record.messageId, { decision: record, redelivered: false });
    }
    const earlierIds = records
      .filter((record) => !recorded.has(record.messageId))
      .map((record) => record.messageId);
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

  private async suppressionsFor(messages: MessageAccepted[]): Promise<Map<string, Suppression>> {
    const found = await this.suppressions.findFor(
      messages.map((message) => ({
        tenantId: message.tenantId,
        channel: 'email',
        address: message.recipient.email,
      })),
    );
    return new Map(found.map((suppression) => [suppressionKey(suppression), suppression]));
  }

  private async publish(messages: MessageAccepted[], outcomes: Map<string, RouteOutcome>): Promise<void> {
    const deliveryEvents: DeliveryEvent[] = [];
    const renderRequests: RenderRequested[] = [];
    for (const message of messages) {
      const { decision } = outcomes.get(message.messageId) as RouteOutcome;
      deliveryEvents.push(decisionEvent(decision));
      if (decision.decision === 'routed') renderRequests.push(renderRequest(message, decision.address));
    }
    await Promise.all([
      this.events.publishMany(RenderRequestedTopic.topic, renderRequests),
      this.events.publishMany(DeliveryEventTopic.topic, deliveryEvents),
    ]);
  }
}

function toRecord(message: MessageAccepted, route: RouteDecision, decidedAt: Date): DecisionRecord {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    decision: route.decision,
    channel: route.channel,
    address: route.address,
    ...(route.decision === 'routed' ? {} : { reason: route.reason }),
    decidedAt,
  };
}

/** The render request of a routed message; acceptedAt carries over so the template version is stable. */
export function renderRequest(message: MessageAccepted, address: string): RenderRequested {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    acceptedAt: message.acceptedAt,
    channel: 'email',
    address,
    priority: message.priority,
    content: message.content,
  };
}

function decisionEvent(decision: DecisionRecord): DeliveryEvent {
  return {
    tenantId: decision.tenantId,
    messageId: decision.messageId,
    type: decision.decision,
    occurredAt: decision.decidedAt.toISOString(),
    source: ROUTER_SOURCE,
    channel: decision.channel,
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
  };
}
