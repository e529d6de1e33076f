import { CIRCUIT_STATES } from '../timeline/circuit-changes';
import { formatPrometheusText, type MetricFamily } from './prometheus-text';

export type DeadLetterCause = 'invalid-payload' | 'processing-failed';

/** The figures behind the metrics, as stored in the rollups. Channel or provider '' means none. */
export interface DeliveryMetricsSnapshot {
  eventCounts: Array<{ channel: string; provider: string; type: string; events: number }>;
  circuits: Array<{ channel: string; provider: string; state: string }>;
  parkedDeadLetters: Array<{ topic: string; cause: DeadLetterCause; deadLetters: number }>;
  messageStatuses: Array<{ status: string; messages: number }>;
  /** The router's decisions by outcome and the sending rule that decided ('' for routed at once). */
  decisions: Array<{ decision: string; rule: string; decisions: number }>;
}

export interface DeliveryMetricsReader {
  snapshot(): Promise<DeliveryMetricsSnapshot>;
}

/**
 * The delivery metrics in the Prometheus text format. They come from analytics' own tables, which
 * every replica of every service feeds through delivery events, so they survive restarts and agree
 * whichever analytics replica is scraped.
 */
export class GetDeliveryMetricsUsecase {
  constructor(private readonly metrics: DeliveryMetricsReader) {}

  async execute(): Promise<string> {
    return formatPrometheusText(deliveryMetricFamilies(await this.metrics.snapshot()));
  }
}

export function deliveryMetricFamilies(snapshot: DeliveryMetricsSnapshot): MetricFamily[] {
  return [
    {
      name: 'switchboard_delivery_events_total',
      help:
        'Delivery events recorded, by channel, provider and event type; a redelivered event counts once. ' +
        'channel and provider are empty for steps before a channel or provider was chosen.',
      type: 'counter',
      samples: snapshot.eventCounts.map(({ channel, provider, type, events }) => ({
        labels: { channel, provider, type },
        value: events,
      })),
    },
    {
      name: 'switchboard_provider_circuit_state',
      help:
        "A channel's provider's circuit breaker state, from the latest circuit-changed event any sender " +
        'replica reported: 1 for the state it is in, 0 for the others (closed, half-open, open).',
      type: 'gauge',
      samples: snapshot.circuits.flatMap(({ channel, provider, state: current }) =>
        CIRCUIT_STATES.map((state) => ({
          labels: { channel, provider, state },
          value: state === current ? 1 : 0,
        })),
      ),
    },
    {
      name: 'switchboard_dead_letters_parked',
      help:
        'Dead letters parked and not redriven, by original topic and cause: invalid-payload never ' +
        'reached a handler, processing-failed failed every attempt.',
      type: 'gauge',
      samples: snapshot.parkedDeadLetters.map(({ topic, cause, deadLetters }) => ({
        labels: { topic, cause },
        value: deadLetters,
      })),
    },
    {
      name: 'switchboard_router_decisions_total',
      help:
        "The router's decisions by outcome (routed, skipped, deferred, cancelled) and the sending rule that " +
        'decided (opted-out, suppressed, quiet-hours, frequency-limit, duplicate, scheduled, ...; empty for routed).',
      type: 'counter',
      samples: snapshot.decisions.map(({ decision, rule, decisions }) => ({
        labels: { decision, rule },
        value: decisions,
      })),
    },
    {
      name: 'switchboard_messages_by_status',
      help: "Messages by current status (each message's furthest lifecycle stage).",
      type: 'gauge',
      samples: snapshot.messageStatuses.map(({ status, messages }) => ({
        labels: { status },
        value: messages,
      })),
    },
  ];
}
