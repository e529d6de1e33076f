import { randomUUID } from 'node:crypto';
import {
  type RecipientErasureConfirmed,
  RecipientErasureConfirmedTopic,
  type RecipientErasureRequested,
  RecipientErasureTopic,
} from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import { observeTopics, testKafka, waitFor, type TopicObserver } from '@switchboard/testing';
import { createTestGateway, type TestGateway } from './support/test-gateway';

describe('gateway: erasure of a recipient', () => {
  let gateway: TestGateway;
  let erasures: TopicObserver;
  // Plays the services that confirm their part of an erasure.
  let services: EventPublisher;

  beforeAll(async () => {
    gateway = await createTestGateway();
    erasures = await observeTopics(testKafka(gateway.broker.brokers), [RecipientErasureTopic.topic]);
    services = new EventPublisher(
      createKafka({ brokers: gateway.broker.brokers, clientId: 'gateway-erasures-int-spec' }),
    );
    await services.connect();
  });

  afterAll(async () => {
    await services?.disconnect();
    await erasures?.stop();
    await gateway?.close();
  });

  const confirmation = (
    erasureId: string,
    service: RecipientErasureConfirmed['service'],
    messageIds: string[] = [],
  ): RecipientErasureConfirmed => ({
    erasureId,
    tenantId: 'acme',
    service,
    confirmedAt: new Date().toISOString(),
    messageIds,
    complete: true,
    rows: {},
  });

  it('asks every service to forget the recipient, and is complete once each has confirmed', async () => {
    const recipientId = `erased-${randomUUID()}`;
    const messageId = randomUUID();

    const accepted = await gateway.call('DELETE', `/v1/recipients/${recipientId}?erase=true`);

    expect(accepted.status).toBe(202);
    const { erasureId, statusUrl } = accepted.body;
    const [requested] = await waitFor('the erasure on its topic', () => {
      const found = erasures
        .payloads<RecipientErasureRequested>(RecipientErasureTopic.topic)
        .filter((payload) => payload.erasureId === erasureId);
      return found.length > 0 && found;
    });
    expect(requested).toMatchObject({ tenantId: 'acme', recipientId });
    const pending = await gateway.call('GET', statusUrl);
    expect(pending.status).toBe(200);
    expect(pending.body.complete).toBe(false);

    await services.publishMany(RecipientErasureConfirmedTopic.topic, [
      confirmation(erasureId, 'router'),
      confirmation(erasureId, 'ingest', [messageId]),
      confirmation(erasureId, 'sender-inapp'),
      confirmation(erasureId, 'analytics', [messageId]),
    ]);

    const done = await waitFor('the erasure complete', async () => {
      const status = await gateway.call('GET', statusUrl);
      return status.body.complete === true && status.body;
    });
    expect(done.services).toEqual([
      expect.objectContaining({ service: 'router', confirmed: true }),
      expect.objectContaining({ service: 'ingest', confirmed: true }),
      expect.objectContaining({ service: 'sender-inapp', confirmed: true }),
      expect.objectContaining({ service: 'analytics', confirmed: true }),
    ]);
    expect(done.messages).toEqual({ erased: 1, historyScrubbed: 1 });
  });
});
