import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type RenderRequested,
  renderRequestedTopicFor,
} from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { DecisionStore } from './decision-store';
import { ROUTER_SOURCE } from './router-source';

/** Delivery events after which a channel has given up on a message. */
const CHANNEL_GAVE_UP = new Set<DeliveryEvent['type']>(['failed', 'dead-lettered']);

/**
 * Moves a message routed with the 'fallback' policy to its next chosen channel when the channel
 * it went to failed or dead-lettered it: publishes the next channel's render request (as chosen at
 * routing time) and a 'rerouted' delivery event. Each failed channel reroutes a message once,
 * however often its failure is delivered. Returns how many messages it rerouted.
 */
export class RerouteFailedChannels {
  constructor(
    private readonly decisions: DecisionStore,
    private readonly events: EventSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(events: readonly DeliveryEvent[]): Promise<number> {
    const failures = events.filter((event) => CHANNEL_GAVE_UP.has(event.type) && event.channel !== undefined);
    if (failures.length === 0) return 0;
    const decisions = new Map(
      (await this.decisions.findByIds([...new Set(failures.map((event) => event.messageId))])).map(
        (decision) => [decision.messageId, decision],
      ),
    );
    let rerouted = 0;
    for (const failure of failures) {
      const decision = decisions.get(failure.messageId);
      if (!decision || decision.tenantId !== failure.tenantId) continue;
      if (decision.decision === 'skipped' || decision.channelPolicy !== 'fallback') continue;
      const failedAt = decision.renderRequests.findIndex((request) => request.channel === failure.channel);
      const next: RenderRequested | undefined =
        failedAt < 0 ? undefined : decision.renderRequests[failedAt + 1];
      if (!next) continue;
      const fromChannel = decision.renderRequests[failedAt].channel;
      const reason = `${fromChannel} ${failure.type}${failure.reason === undefined ? '' : `: ${failure.reason}`}`;
      const reroutedAt = this.now();
      const reroutedEvent: DeliveryEvent = {
        tenantId: decision.tenantId,
        messageId: decision.messageId,
        type: 'rerouted',
        occurredAt: reroutedAt.toISOString(),
        source: ROUTER_SOURCE,
        channel: next.channel,
        reason,
        detail: { from: fromChannel, to: next.channel },
      };
      const recorded = await this.decisions.recordReroute(
        {
          tenantId: decision.tenantId,
          messageId: decision.messageId,
          fromChannel,
          toChannel: next.channel,
          reason,
          reroutedAt,
        },
        async () => {
          await this.events.publishMany(renderRequestedTopicFor(next.priority), [next]);
          await this.events.publishMany(DeliveryEventTopic.topic, [reroutedEvent]);
        },
      );
      if (recorded) rerouted += 1;
    }
    return rerouted;
  }
}
