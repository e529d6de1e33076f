import { type DeliveryMetricsSnapshot, GetDeliveryMetricsUsecase } from './get-delivery-metrics.usecase';

function metricLines(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('GetDeliveryMetricsUsecase', () => {
  const snapshot: DeliveryMetricsSnapshot = {
    eventCounts: [
      { channel: '', provider: '', type: 'accepted', events: 7 },
      { channel: 'email', provider: 'ses', type: 'sent', events: 5 },
    ],
    circuits: [{ channel: 'sms', provider: 'sns', state: 'half-open' }],
    parkedDeadLetters: [
      { topic: 'sb.dispatch.sms.normal.v1', cause: 'processing-failed', deadLetters: 2 },
      { topic: 'sb.upstream.orders.v1', cause: 'invalid-payload', deadLetters: 1 },
    ],
    messageStatuses: [
      { status: 'failed', messages: 1 },
      { status: 'sent', messages: 6 },
    ],
    decisions: [
      { decision: 'deferred', rule: 'quiet-hours', decisions: 3 },
      { decision: 'routed', rule: '', decisions: 9 },
      { decision: 'skipped', rule: 'opted-out', decisions: 2 },
    ],
  };

  async function scrape(figures: DeliveryMetricsSnapshot): Promise<string> {
    return new GetDeliveryMetricsUsecase({ snapshot: async () => figures }).execute();
  }

  it('counts delivery events by channel, provider and type', async () => {
    const text = await scrape(snapshot);

    expect(text).toContain('# TYPE switchboard_delivery_events_total counter\n');
    expect(metricLines(text, 'switchboard_delivery_events_total')).toEqual([
      'switchboard_delivery_events_total{channel="",provider="",type="accepted"} 7',
      'switchboard_delivery_events_total{channel="email",provider="ses",type="sent"} 5',
    ]);
  });

  it("shows each provider's circuit as one series per state, 1 for the state it is in", async () => {
    const text = await scrape(snapshot);

    expect(text).toContain('# TYPE switchboard_provider_circuit_state gauge\n');
    expect(metricLines(text, 'switchboard_provider_circuit_state')).toEqual([
      'switchboard_provider_circuit_state{channel="sms",provider="sns",state="closed"} 0',
      'switchboard_provider_circuit_state{channel="sms",provider="sns",state="half-open"} 1',
      'switchboard_provider_circuit_state{channel="sms",provider="sns",state="open"} 0',
    ]);
  });

  it('shows parked dead letters by topic and cause, and messages by status', async () => {
    const text = await scrape(snapshot);

    expect(metricLines(text, 'switchboard_dead_letters_parked')).toEqual([
      'switchboard_dead_letters_parked{topic="sb.dispatch.sms.normal.v1",cause="processing-failed"} 2',
      'switchboard_dead_letters_parked{topic="sb.upstream.orders.v1",cause="invalid-payload"} 1',
    ]);
    expect(metricLines(text, 'switchboard_messages_by_status')).toEqual([
      'switchboard_messages_by_status{status="failed"} 1',
      'switchboard_messages_by_status{status="sent"} 6',
    ]);
  });

  it("counts the router's decisions by outcome and the rule that decided", async () => {
    const text = await scrape(snapshot);

    expect(text).toContain('# TYPE switchboard_router_decisions_total counter\n');
    expect(metricLines(text, 'switchboard_router_decisions_total')).toEqual([
      'switchboard_router_decisions_total{decision="deferred",rule="quiet-hours"} 3',
      'switchboard_router_decisions_total{decision="routed",rule=""} 9',
      'switchboard_router_decisions_total{decision="skipped",rule="opted-out"} 2',
    ]);
  });

  it('declares every metric before anything was recorded', async () => {
    const text = await scrape({
      eventCounts: [],
      circuits: [],
      parkedDeadLetters: [],
      messageStatuses: [],
      decisions: [],
    });

    expect(text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual([
      '# TYPE switchboard_delivery_events_total counter',
      '# TYPE switchboard_provider_circuit_state gauge',
      '# TYPE switchboard_dead_letters_parked gauge',
      '# TYPE switchboard_router_decisions_total counter',
      '# TYPE switchboard_messages_by_status gauge',
    ]);
    expect(text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([]);
  });
});
