import {
  type ChannelName,
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  type RenderRequested,
  RenderRequestedTopic,
} from '@switchboard/contracts';
import type { RecipientStore } from '../recipients/recipient';
import {
  type Suppression,
  type SuppressionLookup,
  SuppressionStore,
  suppressionKey,
} from '../suppressions/suppression';
import {
  type ChannelTarget,
  decideRoute,
  type RouteDecision,
  type StoredContactPoints,
} from './decide-route';
import { type DecisionRecord, DecisionStore, type ScheduledRender } from './decision-store';
import { type EventSink, ROUTER_SOURCE } from './event-sink';

/** A message's decision, and whether it was made now or found from an earlier delivery. */
export interface RouteOutcome {
  decision: DecisionRecord;
  redelivered: boolean;
}

/**
 * Decides a batch of accepted messages (see decideRoute for the order), records each decision
 * once, and publishes a delivery event per decision plus the render requests of a routed message
 * (the first chosen channel under 'fallback', every one under 'all').
 * A redelivered message keeps its first decision; its events are published again (with the
 * first decision's time, so analytics recognises them), in case the first delivery stopped
 * between recording and publishing.
 */
export class RouteMessages {
  constructor(
    private readonly decisions: DecisionStore,
    private readonly suppressions: SuppressionStore,
    private readonly recipients: Pick<RecipientStore, 'find'>,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(batch: MessageAccepted[]): Promise<Map<string, RouteOutcome>> {
    const messages = [...new Map(batch.map((message) => [message.messageId, message])).values()];
    const outcomes = new Map<string, RouteOutcome>();
    if (messages.length === 0) return outcomes;

    const stored = await this.storedContactPoints(messages);
    const suppressions = await this.suppressionsFor(messages, stored);
    const decidedAt = this.now();
    const records: DecisionRecord[] = [];
    const schedules: ScheduledRender[] = [];
    for (const message of messages) {
      const route = decideRoute({
        message,
        stored: stored.get(storedKey(message)),
        suppressed: (channel, address) =>
          suppressions.get(suppressionKey({ tenantId: message.tenantId, channel, address })),
        now: decidedAt,
      });
      const record = toRecord(message, route, decidedAt);
      records.push(record);
      if (route.decision === 'deferred') {
        schedules.push({
          tenantId: message.tenantId,
          messageId: message.messageId,
          dueAt: route.dueAt,
          renderRequests: requestsToPublish(record),
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

  /** The stored contact points of the recipients the batch names by id, one lookup per recipient. */
  private async storedContactPoints(messages: MessageAccepted[]): Promise<Map<string, StoredContactPoints>> {
    const wanted = new Map<string, { tenantId: string; recipientId: string }>();
    for (const message of messages) {
      if (message.recipient.id !== undefined)
        wanted.set(storedKey(message), { tenantId: message.tenantId, recipientId: message.recipient.id });
    }
    const found = new Map<string, StoredContactPoints>();
    await Promise.all(
      [...wanted].map(async ([key, { tenantId, recipientId }]) => {
        const recipient = await this.recipients.find(tenantId, recipientId);
        if (!recipient) return;
        found.set(key, {
          email: recipient.email,
          phone: recipient.phone,
          pushSubscriptions: recipient.pushSubscriptions.map(({ endpoint, p256dh, auth }) => ({
            endpoint,
            keys: { p256dh, auth },
          })),
        });
      }),
    );
    return found;
  }

  /** One query for the suppressions of every address any message of the batch could go to. */
  private async suppressionsFor(
    messages: MessageAccepted[],
    stored: Map<string, StoredContactPoints>,
  ): Promise<Map<string, Suppression>> {
    const lookups: SuppressionLookup[] = [];
    for (const message of messages) {
      const { tenantId, recipient } = message;
      const contacts = stored.get(storedKey(message));
      const email = recipient.email ?? contacts?.email;
      const phone = recipient.phone ?? contacts?.phone;
      if (email) lookups.push({ tenantId, channel: 'email', address: email });
      if (phone) lookups.push({ tenantId, channel: 'sms', address: phone });
      if (recipient.id !== undefined) {
        lookups.push({ tenantId, channel: 'push', address: recipient.id });
        lookups.push({ tenantId, channel: 'inapp', address: recipient.id });
      }
    }
    const found = await this.suppressions.findFor(lookups);
    return new Map(found.map((suppression) => [suppressionKey(suppression), suppression]));
  }

  private async publish(messages: MessageAccepted[], outcomes: Map<string, RouteOutcome>): Promise<void> {
    const deliveryEvents: DeliveryEvent[] = [];
    const renderRequests: RenderRequested[] = [];
    for (const message of messages) {
      const { decision } = outcomes.get(message.messageId) as RouteOutcome;
      deliveryEvents.push(decisionEvent(decision));
      if (decision.decision === 'routed') renderRequests.push(...requestsToPublish(decision));
    }
    await Promise.all([
      this.events.publishMany(RenderRequestedTopic.topic, renderRequests),
      this.events.publishMany(DeliveryEventTopic.topic, deliveryEvents),
    ]);
  }
}

function storedKey(message: MessageAccepted): string {
  return JSON.stringify([message.tenantId, message.recipient.id]);
}

/** 'all' sends on every chosen channel; 'fallback' on the first, keeping the others for failures. */
function requestsToPublish(decision: DecisionRecord): RenderRequested[] {
  return decision.channelPolicy === 'all' ? decision.renderRequests : decision.renderRequests.slice(0, 1);
}

function toRecord(message: MessageAccepted, route: RouteDecision, decidedAt: Date): DecisionRecord {
  const base = {
    tenantId: message.tenantId,
    messageId: message.messageId,
    decision: route.decision,
    decidedAt,
    channelPolicy: message.channelPolicy ?? 'fallback',
  };
  if (route.decision === 'skipped') {
    return {
      ...base,
      ...(route.channel === undefined ? {} : { channel: route.channel }),
      ...(route.address === undefined ? {} : { address: route.address }),
      reason: route.reason,
      renderRequests: [],
    };
  }
  const [first] = route.targets;
  return {
    ...base,
    channel: first.channel,
    address: first.address,
    ...(route.decision === 'deferred' ? { reason: route.reason } : {}),
    renderRequests: route.targets.map((target) => renderRequest(message, target)),
  };
}

/** The render request of a chosen channel; acceptedAt carries over so the template version is stable. */
export function renderRequest(message: MessageAccepted, target: ChannelTarget): RenderRequested {
  const base = {
    tenantId: message.tenantId,
    messageId: message.messageId,
    acceptedAt: message.acceptedAt,
    priority: message.priority,
    content: message.content,
    ...(message.recipient.id === undefined ? {} : { recipientId: message.recipient.id }),
  };
  const channel: ChannelName = target.channel;
  switch (channel) {
    case 'push':
      return { ...base, channel, address: target.address, pushSubscriptions: target.pushSubscriptions ?? [] };
    case 'email':
    case 'sms':
    case 'inapp':
      return { ...base, channel, address: target.address };
  }
}

function decisionEvent(decision: DecisionRecord): DeliveryEvent {
  return {
    tenantId: decision.tenantId,
    messageId: decision.messageId,
    type: decision.decision,
    occurredAt: decision.decidedAt.toISOString(),
    source: ROUTER_SOURCE,
    ...(decision.channel === undefined ? {} : { channel: decision.channel }),
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
  };
}
