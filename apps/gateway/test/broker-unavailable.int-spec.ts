import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestBroker, type TestBroker, waitFor } from '@switchboard/testing';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const message = { recipient: { email: 'ada@example.com' }, content: { subject: 'Hi', text: 'Hello' } };

describe('gateway while Kafka is down', () => {
  let dataDir: string;
  let broker: TestBroker;
  let gateway: TestGateway;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gateway-broker-'));
    broker = await createTestBroker({ dataDir });
    gateway = await createTestGateway({ broker, env: { PUBLISH_TIMEOUT: '1s' } });
    await gateway.stopReading();
    await broker.stop();
  });

  afterAll(async () => {
    await gateway?.close();
    await broker?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 problem+json, never 202, and frees the Idempotency-Key for a retry', async () => {
    const headers = { 'idempotency-key': 'while-down' };
    const answer = await gateway.call('POST', '/v1/messages', { body: message, headers });

    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'BROKER_UNAVAILABLE' });

    const retry = await gateway.call('POST', '/v1/messages', { body: message, headers });
    expect(retry.status).toBe(503);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('reports not ready, naming Kafka', async () => {
    const answer = await gateway.call('GET', '/health/ready', { apiKey: null });

    expect(answer.status).toBe(503);
    expect(answer.body.checks).toMatchObject({ kafka: 'down' });
  });

  it('accepts the same request again once Kafka is back', async () => {
    const port = Number(broker.address.split(':').pop());
    broker = await createTestBroker({ dataDir, port });

    const answer = await waitFor('a 202 after the broker returned', async () => {
      const attempt = await gateway.call('POST', '/v1/messages', {
        body: message,
        headers: { 'idempotency-key': 'while-down' },
      });
      return attempt.status === 202 && attempt;
    });

    expect(answer.body).toEqual({ messageId: expect.any(String), status: 'accepted' });
  });
});
