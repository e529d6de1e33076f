import { randomUUID } from 'node:crypto';
import { DeliveryEventTopic, type DeliveryEvent } from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  invalidServiceCredentials,
  serviceAuthorization,
  TEST_SERVICE_TOKEN_SECRETS,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import { Client } from 'pg';
import { startAnalyticsService } from '../src/analytics-service';
import { loadAnalyticsConfig } from '../src/config';

describe('analytics service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let publisher: EventPublisher;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('analytics_int')]);
    const config = loadAnalyticsConfig({
      ...broker.serviceVariables,
      ...TEST_ENCRYPTION_VARIABLES,
      DATABASE_URL: database.url,
      PORT: '0',
      SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
    });
    service = await startAnalyticsService(config, new StructuredLogger('analytics', 'error'));
    publisher = new EventPublisher(createKafka({ brokers: broker.brokers, clientId: 'analytics-int-spec' }));
    await publisher.connect();
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  async function messageStatus(tenantId: string, messageId: string) {
    const response = await fetch(`${service.url}/internal/messages/${tenantId}/${messageId}`, {
      headers: serviceAuthorization('analytics'),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read the answer field by field
    return { status: response.status, body: (await response.json()) as any };
  }

  it('answers 401 to a call without a valid service credential for analytics; health and metrics stay public', async () => {
    const internalRoutes = ['/internal/messages/acme/msg-1', '/internal/dead-letters/acme'];
    for (const path of internalRoutes) {
      for (const { description, headers, reason } of invalidServiceCredentials('analytics')) {
        const response = await fetch(`${service.url}${path}`, { headers });
        const body = (await response.json()) as { code: string; reason?: string };

        expect({ path, description, status: response.status, code: body.code, reason: body.reason }).toEqual({
          path,
          description,
          status: 401,
          code: reason ? 'SERVICE_CREDENTIAL_REJECTED' : 'SERVICE_CREDENTIAL_REQUIRED',
          reason,
        });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="switchboard-internal"/);
      }
    }
    const withCredential = await fetch(`${service.url}/internal/dead-letters/acme`, {
      headers: serviceAuthorization('analytics'),
    });
    expect(withCredential.status).toBe(200);
    expect((await messageStatus('acme', randomUUID())).status).toBe(404);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
  });

  const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 12, 0, second)).toISOString();

  function lifecycle(messageId: string): DeliveryEvent[] {
    const base = { tenantId: 'acme', messageId };
    return [
      { ...base, type: 'accepted', occurredAt: at(0), source: 'ingest' },
      { ...base, type: 'routed', occurredAt: at(1), source: 'router', channel: 'email' },
      {
        ...base,
        type: 'rendered',
        occurredAt: at(2),
        source: 'template',
        channel: 'email',
        detail: { templateKey: 'order-shipped', templateVersion: 3 },
      },
      {
        ...base,
        type: 'sent',
        occurredAt: at(3),
        source: 'sender-email',
        channel: 'email',
        provider: 'ses',
        detail: { providerMessageId: 'ses-1' },
      },
    ];
  }

  const waitForTimeline = (messageId: string, length: number) =>
    waitFor(`a timeline of ${length} steps for ${messageId}`, async () => {
      const answer = await messageStatus('acme', messageId);
      return answer.status === 200 && answer.body.timeline.length === length && answer.body;
    });

  it("stores a batch of events and answers the message's status and timeline", async () => {
    const messageId = randomUUID();
    await publisher.publishMany(DeliveryEventTopic.topic, lifecycle(messageId));

    const view = await waitForTimeline(messageId, 4);
    expect(view).toEqual({
      messageId,
      tenantId: 'acme',
      status: 'sent',
      timeline: [
        { type: 'accepted', occurredAt: at(0), source: 'ingest' },
        { type: 'routed', occurredAt: at(1), source: 'router', channel: 'email' },
        {
          type: 'rendered',
          occurredAt: at(2),
          source: 'template',
          channel: 'email',
          detail: { templateKey: 'order-shipped', templateVersion: 3 },
        },
        {
          type: 'sent',
          occurredAt: at(3),
          source: 'sender-email',
          channel: 'email',
          provider: 'ses',
          detail: { providerMessageId: 'ses-1' },
        },
      ],
    });
  });

  it('keeps the furthest stage when events arrive out of order, and orders the timeline by time', async () => {
    const messageId = randomUUID();
    const [accepted, routed, rendered, sent] = lifecycle(messageId);
    await publisher.publishMany(DeliveryEventTopic.topic, [sent, accepted]);
    await waitForTimeline(messageId, 2);
    await publisher.publishMany(DeliveryEventTopic.topic, [rendered, routed]);

    const view = await waitForTimeline(messageId, 4);
    expect(view.status).toBe('sent');
    expect(view.timeline.map((step: { type: string }) => step.type)).toEqual([
      'accepted',
      'routed',
      'rendered',
      'sent',
    ]);
  });

  it('stores a redelivered event once, and an earlier stage never replaces a later status', async () => {
    const messageId = randomUUID();
    const events = lifecycle(messageId);
    await publisher.publishMany(DeliveryEventTopic.topic, events);
    await waitForTimeline(messageId, 4);

    const failed: DeliveryEvent = {
      tenantId: 'acme',
      messageId,
      type: 'failed',
      occurredAt: at(4),
      source: 'sender-email',
      channel: 'email',
      reason: 'bounced mailbox',
    };
    // A redelivery of everything, then a late 'rendered' from a retried render, then a failure.
    const lateRender: DeliveryEvent = { ...events[2], occurredAt: at(9) };
    await publisher.publishMany(DeliveryEventTopic.topic, [...events, failed]);
    await publisher.publishMany(DeliveryEventTopic.topic, [lateRender]);

    const view = await waitForTimeline(messageId, 6);
    expect(view.status).toBe('failed');
    expect(view.timeline.map((step: { type: string }) => step.type)).toEqual([
      'accepted',
      'routed',
      'rendered',
      'sent',
      'failed',
      'rendered',
    ]);
    expect(view.timeline[4]).toMatchObject({ reason: 'bounced mailbox' });
    const stored = await db.query(
      'SELECT count(*)::int AS rows FROM analytics.delivery_events WHERE message_id = $1',
      [messageId],
    );
    expect(stored.rows[0].rows).toBe(6);
  });

  it('lets a reroute replace a stored failure, after which the new round ranks as usual', async () => {
    const messageId = randomUUID();
    const base = { tenantId: 'acme', messageId };
    await publisher.publishMany(DeliveryEventTopic.topic, [
      ...lifecycle(messageId),
      { ...base, type: 'failed', occurredAt: at(4), source: 'sender-email', channel: 'email' },
    ]);
    const failedView = await waitForTimeline(messageId, 5);
    expect(failedView.status).toBe('failed');

    await publisher.publishMany(DeliveryEventTopic.topic, [
      { ...base, type: 'rerouted', occurredAt: at(5), source: 'router', channel: 'sms' },
    ]);
    expect((await waitForTimeline(messageId, 6)).status).toBe('rerouted');

    await publisher.publishMany(DeliveryEventTopic.topic, [
      { ...base, type: 'rendered', occurredAt: at(6), source: 'template', channel: 'sms' },
    ]);
    expect((await waitForTimeline(messageId, 7)).status).toBe('rendered');
  });

  it('keeps the new round when an event of the old round is delivered again (a batch redelivered after a rebalance)', async () => {
    const messageId = randomUUID();
    const base = { tenantId: 'acme', messageId };
    const failed = {
      ...base,
      type: 'failed' as const,
      occurredAt: at(4),
      source: 'sender-email',
      channel: 'email' as const,
    };
    await publisher.publishMany(DeliveryEventTopic.topic, [...lifecycle(messageId), failed]);
    await waitForTimeline(messageId, 5);
    await publisher.publishMany(DeliveryEventTopic.topic, [
      { ...base, type: 'rerouted', occurredAt: at(5), source: 'router', channel: 'sms' },
    ]);
    expect((await waitForTimeline(messageId, 6)).status).toBe('rerouted');

    // The same event again, then a new one behind it: once the new one shows, the old one was read.
    await publisher.publishMany(DeliveryEventTopic.topic, [
      failed,
      { ...base, type: 'retry-scheduled', occurredAt: at(6), source: 'sender-sms', channel: 'sms' },
    ]);
    const view = await waitForTimeline(messageId, 7);
    expect(view.status).toBe('rerouted');
    expect(view.timeline.filter((entry: { type: string }) => entry.type === 'failed')).toHaveLength(1);
  });

  it("answers 404 for another tenant's message or an unknown one, and 400 for a malformed id", async () => {
    const messageId = randomUUID();
    await publisher.publishMany(DeliveryEventTopic.topic, lifecycle(messageId).slice(0, 1));
    await waitForTimeline(messageId, 1);

    const otherTenant = await messageStatus('globex', messageId);
    expect(otherTenant.status).toBe(404);
    expect(otherTenant.body).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
    expect((await messageStatus('acme', randomUUID())).status).toBe(404);

    const malformed = await messageStatus('acme', 'not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'messageId' })]);
  });

  it('answers readiness once Kafka, the database and both consumers are up', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', database: 'up', consumer: 'up', 'dead-letters-consumer': 'up' },
    });
  });
});
