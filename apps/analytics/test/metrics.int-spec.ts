import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  HeaderName,
  type DeliveryEvent,
} from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  testKafka,
  type TestBroker,
  type TestDatabase,
  waitFor,
  TEST_SERVICE_TOKEN_SECRETS,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { startAnalyticsService } from '../src/analytics-service';
import { loadAnalyticsConfig } from '../src/config';

// A dispatch topic of this test's own, so that a redrive has somewhere to go.
const DISPATCH_TOPIC = 'sb.test.metrics-dispatch.v1';

describe('analytics metrics', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let publisher: EventPublisher;
  let producer: Producer;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('analytics_metrics')]);
    const kafka = testKafka(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: DISPATCH_TOPIC, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    service = await startAnalyticsService(
      loadAnalyticsConfig({
        ...broker.serviceVariables,
        ...TEST_ENCRYPTION_VARIABLES,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
      }),
      new StructuredLogger('analytics', 'error'),
    );
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'analytics-metrics-spec' }),
    );
    await publisher.connect();
    producer = await connectProducer(kafka);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await publisher?.disconnect();
    await service?.close();
    await broker?.stop();
    await database?.drop();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  /** The value of each series of a metric, keyed by its labels as written, e.g. `{status="sent"}`. */
  function seriesOf(text: string, metric: string): Record<string, number> {
    const series: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = new RegExp(`^${metric}(\\{.*\\}) (\\S+)$`).exec(line);
      if (match) series[match[1]] = Number(match[2]);
    }
    return series;
  }

  const waitForSeries = (metric: string, labels: string, value: number) =>
    waitFor(
      `${metric}${labels} to be ${value}`,
      async () => {
        const text = await scrape();
        return seriesOf(text, metric)[labels] === value && text;
      },
      30_000,
    );

  const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 12, 0, second)).toISOString();

  function emailStep(
    messageId: string,
    type: DeliveryEvent['type'],
    second: number,
    fields: Partial<DeliveryEvent> = {},
  ): DeliveryEvent {
    return {
      tenantId: 'acme',
      messageId,
      type,
      occurredAt: at(second),
      source: 'sender-email',
      channel: 'email',
      provider: 'ses',
      ...fields,
    };
  }

  function circuitChanged(messageId: string, from: string, to: string, second: number): DeliveryEvent {
    return emailStep(messageId, 'circuit-changed', second, {
      reason: to === 'open' ? 'consecutive-failures' : 'probe-succeeded',
      detail: { provider: 'ses', from, to, why: 'test' },
    });
  }

  it('counts every step of a failover once, follows the circuit open then closed, and counts messages by status', async () => {
    const failedOver = randomUUID();
    const deadLettered = randomUUID();
    await publisher.publishMany(DeliveryEventTopic.topic, [
      { tenantId: 'acme', messageId: failedOver, type: 'accepted', occurredAt: at(0), source: 'ingest' },
      emailStep(failedOver, 'attempt-failed', 1, {
        reason: 'throttled',
        detail: { attempt: 1, kind: 'transient' },
      }),
      circuitChanged(failedOver, 'closed', 'open', 1),
      emailStep(failedOver, 'retry-scheduled', 1, { detail: { attempt: 2, delayMs: 1000 } }),
      emailStep(failedOver, 'failed-over', 2, {
        provider: 'ses-backup',
        reason: 'the circuit of ses is not closed',
        detail: { from: 'ses', to: 'ses-backup' },
      }),
      emailStep(failedOver, 'sent', 3, { provider: 'ses-backup', detail: { providerMessageId: 'b-1' } }),
      { tenantId: 'acme', messageId: deadLettered, type: 'accepted', occurredAt: at(0), source: 'ingest' },
      emailStep(deadLettered, 'dead-lettered', 4, { reason: 'gave up after 5 attempts' }),
    ]);

    await waitForSeries(
      'switchboard_provider_circuit_state',
      '{channel="email",provider="ses",state="open"}',
      1,
    );
    let text = await waitForSeries('switchboard_messages_by_status', '{status="dead-lettered"}', 1);
    expect(seriesOf(text, 'switchboard_provider_circuit_state')).toEqual({
      '{channel="email",provider="ses",state="closed"}': 0,
      '{channel="email",provider="ses",state="half-open"}': 0,
      '{channel="email",provider="ses",state="open"}': 1,
    });

    // The sent step delivered again; the circuit half-opens and closes.
    await publisher.publishMany(DeliveryEventTopic.topic, [
      emailStep(failedOver, 'sent', 3, { provider: 'ses-backup', detail: { providerMessageId: 'b-1' } }),
      circuitChanged(failedOver, 'open', 'half-open', 31),
      circuitChanged(failedOver, 'half-open', 'closed', 32),
    ]);
    await waitForSeries(
      'switchboard_provider_circuit_state',
      '{channel="email",provider="ses",state="closed"}',
      1,
    );
    // The opening again, late, in a batch of its own: it does not reopen the circuit. The delivery
    // after it (same message, same partition) shows when that batch was stored.
    await publisher.publishMany(DeliveryEventTopic.topic, [
      circuitChanged(failedOver, 'closed', 'open', 1),
      emailStep(failedOver, 'delivered', 40, { provider: 'ses-backup' }),
    ]);
    text = await waitForSeries('switchboard_messages_by_status', '{status="delivered"}', 1);

    expect(seriesOf(text, 'switchboard_provider_circuit_state')).toEqual({
      '{channel="email",provider="ses",state="closed"}': 1,
      '{channel="email",provider="ses",state="half-open"}': 0,
      '{channel="email",provider="ses",state="open"}': 0,
    });
    expect(seriesOf(text, 'switchboard_delivery_events_total')).toEqual({
      '{channel="",provider="",type="accepted"}': 2,
      '{channel="email",provider="ses",type="attempt-failed"}': 1,
      '{channel="email",provider="ses",type="circuit-changed"}': 3,
      '{channel="email",provider="ses",type="dead-lettered"}': 1,
      '{channel="email",provider="ses",type="retry-scheduled"}': 1,
      '{channel="email",provider="ses-backup",type="delivered"}': 1,
      '{channel="email",provider="ses-backup",type="failed-over"}': 1,
      '{channel="email",provider="ses-backup",type="sent"}': 1,
    });
    // A message moved from sent to delivered counts under its new status only; a status a message
    // moved on from stays as a series at 0.
    const byStatus = seriesOf(text, 'switchboard_messages_by_status');
    expect(Object.fromEntries(Object.entries(byStatus).filter(([, messages]) => messages !== 0))).toEqual({
      '{status="dead-lettered"}': 1,
      '{status="delivered"}': 1,
    });
    expect(byStatus['{status="sent"}']).toBe(0);
  });

  /** A dead letter as a consumer parks it on the dead-letter topic. */
  function deadLetter(offset: number, attempts: number, error: string) {
    return {
      key: 'acme:ada@example.com',
      value: JSON.stringify({ n: offset }),
      headers: {
        [HeaderName.tenant]: 'acme',
        [HeaderName.messageId]: randomUUID(),
        [HeaderName.originalTopic]: DISPATCH_TOPIC,
        [HeaderName.originalPartition]: '0',
        [HeaderName.originalOffset]: String(offset),
        [HeaderName.error]: error,
        [HeaderName.attempts]: String(attempts),
      },
    };
  }

  it('shows the dead letters parked per topic and cause, and drops those redriven', async () => {
    await producer.send({
      topic: DEAD_LETTER_TOPIC,
      messages: [
        deadLetter(1, 5, 'gave up after 5 attempts'),
        deadLetter(2, 5, 'gave up after 5 attempts'),
        deadLetter(3, 0, `${DISPATCH_TOPIC} payload: to is required`),
      ],
    });
    const parked = {
      [`{topic="${DISPATCH_TOPIC}",cause="invalid-payload"}`]: 1,
      [`{topic="${DISPATCH_TOPIC}",cause="processing-failed"}`]: 2,
    };
    let text = await waitForSeries(
      'switchboard_dead_letters_parked',
      `{topic="${DISPATCH_TOPIC}",cause="processing-failed"}`,
      2,
    );
    expect(seriesOf(text, 'switchboard_dead_letters_parked')).toEqual(parked);

    const list = await fetch(`${service.url}/internal/dead-letters/acme?topic=${DISPATCH_TOPIC}`, {
      headers: serviceAuthorization('analytics'),
    });
    const { items } = (await list.json()) as { items: Array<{ id: string; attempts: number }> };
    const failed = items.find((item) => item.attempts === 5);
    const redrive = await fetch(`${service.url}/internal/dead-letters/acme/redrive`, {
      method: 'POST',
      headers: { ...serviceAuthorization('analytics'), 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [failed?.id] }),
    });
    expect(await redrive.json()).toEqual({ redriven: 1, notFound: [] });

    text = await scrape();
    expect(seriesOf(text, 'switchboard_dead_letters_parked')).toEqual({
      ...parked,
      [`{topic="${DISPATCH_TOPIC}",cause="processing-failed"}`]: 1,
    });
  });

  it('serves the Prometheus text format without a tenant key, each metric declared once', async () => {
    const response = await fetch(`${service.url}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const declarations = text.split('\n').filter((line) => line.startsWith('# TYPE'));
    expect(declarations).toEqual([
      '# TYPE switchboard_delivery_events_total counter',
      '# TYPE switchboard_provider_circuit_state gauge',
      '# TYPE switchboard_dead_letters_parked gauge',
      '# TYPE switchboard_router_decisions_total counter',
      '# TYPE switchboard_messages_by_status gauge',
    ]);
    expect(text.split('\n').filter((line) => line.startsWith('# HELP'))).toHaveLength(5);
  });

  // Last: its events would show in the exact counts the tests above expect.
  it("counts the router's decisions by outcome and rule, a redelivered one once, and shows the rule on the timeline", async () => {
    const [optedOut, quiet, routed] = [randomUUID(), randomUUID(), randomUUID()];
    const decision = (messageId: string, type: DeliveryEvent['type'], rule?: string): DeliveryEvent => ({
      tenantId: 'acme',
      messageId,
      type,
      occurredAt: at(10),
      source: 'router',
      ...(rule === undefined ? {} : { rule, reason: `decided by ${rule}` }),
    });
    const events = [
      decision(optedOut, 'skipped', 'opted-out'),
      decision(quiet, 'deferred', 'quiet-hours'),
      decision(routed, 'routed'),
    ];
    await publisher.publishMany(DeliveryEventTopic.topic, events);
    // The first one again, then a step behind it on the same message (so the same partition): once
    // that step is on the timeline, the redelivered decision has been read too.
    const behindIt: DeliveryEvent = {
      tenantId: 'acme',
      messageId: optedOut,
      type: 'erased',
      occurredAt: at(11),
      source: 'analytics-int-spec',
    };
    await publisher.publishMany(DeliveryEventTopic.topic, [events[0], behindIt]);

    // The three decisions may be on three partitions: wait for every one of them.
    await waitFor(
      'every decision counted',
      async () => {
        const scraped = await scrape();
        const series = seriesOf(scraped, 'switchboard_router_decisions_total');
        return (
          series['{decision="deferred",rule="quiet-hours"}'] === 1 &&
          series['{decision="routed",rule=""}'] === 1 &&
          series['{decision="skipped",rule="opted-out"}'] !== undefined &&
          scraped
        );
      },
      30_000,
    );
    await waitFor('the step behind the redelivered decision stored', async () => {
      const answer = await fetch(`${service.url}/internal/messages/acme/${optedOut}`, {
        headers: serviceAuthorization('analytics'),
      });
      const body = (await answer.json()) as { timeline?: Array<{ type: string }> };
      return body.timeline?.some((entry) => entry.type === 'erased') ?? false;
    });
    expect(seriesOf(await scrape(), 'switchboard_router_decisions_total')).toMatchObject({
      '{decision="skipped",rule="opted-out"}': 1,
      '{decision="routed",rule=""}': 1,
      '{decision="deferred",rule="quiet-hours"}': 1,
    });
    const timeline = await fetch(`${service.url}/internal/messages/acme/${optedOut}`, {
      headers: serviceAuthorization('analytics'),
    });
    expect(await timeline.json()).toMatchObject({
      timeline: [{ type: 'skipped', rule: 'opted-out', reason: 'decided by opted-out' }, { type: 'erased' }],
    });
  });
});
