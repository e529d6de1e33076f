import { randomUUID } from 'node:crypto';
import { recipientKey } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const templated = {
  recipient: { email: 'ada@example.com' },
  content: { templateKey: 'welcome', data: { name: 'Ada' } },
};
const inline = { recipient: { email: 'grace@example.com' }, content: { subject: 'Hi', text: 'Hello Grace' } };

describe('gateway messages API', () => {
  let gateway: TestGateway;
  let analytics: StubService;

  beforeAll(async () => {
    analytics = await startStubService();
    gateway = await createTestGateway({ analyticsUrl: analytics.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await analytics?.close();
  });

  const eventsFor = (messageId: string) =>
    gateway.requested.filter((event) => event.payload.messageId === messageId);

  /**
   * Sends one more message to the same recipient and waits for it: events of one recipient share
   * a partition, so every earlier event for that recipient has been read by then.
   */
  const settle = async (request: { recipient: { email: string } }) => {
    const marker = await gateway.call('POST', '/v1/messages', { body: request });
    await waitFor('the marker event', () => eventsFor(marker.body.messageId).length === 1);
  };

  describe('POST /v1/messages', () => {
    it('answers 202 with a message id and produces MessageRequested carrying the tenant', async () => {
      const answer = await gateway.call('POST', '/v1/messages', { body: { ...templated, priority: 'high' } });

      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ messageId: expect.any(String), status: 'accepted' });
      const [event] = await waitFor(
        'the requested event',
        () => eventsFor(answer.body.messageId)[0] && eventsFor(answer.body.messageId),
      );
      expect(event.payload).toMatchObject({
        tenantId: 'acme',
        messageId: answer.body.messageId,
        source: 'http',
        recipient: { email: 'ada@example.com' },
        content: { templateKey: 'welcome', data: { name: 'Ada' } },
        priority: 'high',
      });
      expect(event.key).toBe(recipientKey('acme', 'ada@example.com'));
      expect(event.key).not.toContain('ada@example.com');
    });

    it("publishes the request with the recipient's address and the content sealed, for the router to open", async () => {
      // Unique to this test, so that finding one on the topic means a leak.
      const unique = randomUUID();
      const request = {
        recipient: { id: `grace-${unique}`, email: `grace.${unique}@example.com` },
        content: { subject: `Hi Grace ${unique}`, text: `Your code is ${unique}` },
      };

      const answer = await gateway.call('POST', '/v1/messages', { body: request });

      expect(answer.status).toBe(202);
      const [event] = await waitFor(
        'the requested event',
        () => eventsFor(answer.body.messageId)[0] && eventsFor(answer.body.messageId),
      );
      expect(event.payload).toMatchObject(request);
      const written = JSON.stringify(event.written);
      expect(written).toContain('sbenc:v1:');
      for (const value of [request.recipient.email, request.content.subject, request.content.text]) {
        expect(written).not.toContain(value);
      }
    });

    it('answers 401 problem+json for a missing or unknown API key, producing nothing', async () => {
      for (const apiKey of [null, 'sk_test_wrong']) {
        const answer = await gateway.call('POST', '/v1/messages', { apiKey, body: inline });

        expect(answer.status).toBe(401);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
        expect(answer.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      }
    });

    it('answers 400 naming each bad field, and rejects unknown fields', async () => {
      const answer = await gateway.call('POST', '/v1/messages', {
        body: { recipient: { email: 'not-an-email' }, content: { subject: '' }, colour: 'red' },
      });

      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const fields = answer.body.errors.map((error: { field: string }) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['recipient.email', 'content.subject']));
      const unknownField = answer.body.errors.find((error: { field: string; problem: string }) =>
        `${error.field} ${error.problem}`.includes('colour'),
      );
      expect(unknownField).toBeDefined();
    });

    it('answers 400 for malformed JSON', async () => {
      const answer = await gateway.call('POST', '/v1/messages', { rawBody: '{"recipient": ' });

      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });

    it('answers 415 for a body that is not JSON', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const answer = await gateway.call('POST', '/v1/messages', { rawBody: 'recipient=ada', contentType });

        expect(answer.status).toBe(415);
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('answers 413 for a body over 256 KB', async () => {
      const answer = await gateway.call('POST', '/v1/messages', {
        body: { ...inline, content: { subject: 'Big', text: 'x'.repeat(270 * 1024) } },
      });

      expect(answer.status).toBe(413);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, producing one event', async () => {
      const headers = { 'idempotency-key': 'replay-1' };
      const first = await gateway.call('POST', '/v1/messages', { body: inline, headers });
      const reordered = { content: inline.content, recipient: inline.recipient };
      const second = await gateway.call('POST', '/v1/messages', { body: reordered, headers });

      expect(first.status).toBe(202);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      await settle(inline);
      expect(gateway.requested.filter((event) => event.payload.idempotencyKey === 'replay-1')).toHaveLength(
        1,
      );
    });

    it('answers 422 for the same key with a different body', async () => {
      const headers = { 'idempotency-key': 'mismatch-1' };
      await gateway.call('POST', '/v1/messages', { body: inline, headers });

      const answer = await gateway.call('POST', '/v1/messages', { body: templated, headers });

      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('keeps the same key of two tenants apart', async () => {
      const otherKey = await gateway.createApiKey('globex');
      const headers = { 'idempotency-key': 'shared-key' };
      const acme = await gateway.call('POST', '/v1/messages', { body: inline, headers });
      const globex = await gateway.call('POST', '/v1/messages', {
        apiKey: otherKey,
        body: templated,
        headers,
      });

      expect(acme.status).toBe(202);
      expect(globex.status).toBe(202);
      expect(globex.body.messageId).not.toBe(acme.body.messageId);
    });

    it('creates exactly one message for 20 concurrent requests with the same key', async () => {
      const headers = { 'idempotency-key': 'concurrent-1' };
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => gateway.call('POST', '/v1/messages', { body: inline, headers })),
      );

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
      const messageIds = new Set(answers.map((answer) => answer.body.messageId));
      expect(messageIds.size).toBe(1);
      await settle(inline);
      expect(
        gateway.requested.filter((event) => event.payload.idempotencyKey === 'concurrent-1'),
      ).toHaveLength(1);
    });
  });

  describe('POST /v1/messages/batch', () => {
    it('answers 207 with a result per item and produces events for the valid items only', async () => {
      const answer = await gateway.call('POST', '/v1/messages/batch', {
        body: { messages: [templated, { recipient: { email: 'nope' }, content: inline.content }, inline] },
      });

      expect(answer.status).toBe(207);
      expect(answer.body).toMatchObject({ accepted: 2, rejected: 1 });
      expect(answer.body.results).toEqual([
        { index: 0, status: 'accepted', messageId: expect.any(String) },
        { index: 1, status: 'rejected', problems: [expect.objectContaining({ field: 'recipient.email' })] },
        { index: 2, status: 'accepted', messageId: expect.any(String) },
      ]);
      for (const result of [answer.body.results[0], answer.body.results[2]]) {
        await waitFor('the item event', () => eventsFor(result.messageId).length === 1);
      }
    });

    it('answers 202 for a batch of 1,000 valid items', async () => {
      const messages = Array.from({ length: 1000 }, (_, index) => ({
        recipient: { email: `reader-${index}@example.com` },
        content: { templateKey: 'digest', data: { issue: 42 } },
        priority: 'bulk',
      }));

      const answer = await gateway.call('POST', '/v1/messages/batch', { body: { messages } });

      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ accepted: 1000, rejected: 0 });
      const messageIds = new Set<string>(
        answer.body.results.map((result: { messageId: string }) => result.messageId),
      );
      await waitFor(
        'every event',
        () => gateway.requested.filter((event) => messageIds.has(event.payload.messageId)).length === 1000,
      );
    });

    it('answers 400 for more than 1,000 items', async () => {
      const answer = await gateway.call('POST', '/v1/messages/batch', {
        body: { messages: Array(1001).fill(inline) },
      });

      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual({ field: 'messages', problem: expect.any(String) });
    });

    it('replays a batch for the same Idempotency-Key', async () => {
      const headers = { 'idempotency-key': 'batch-1' };
      const body = { messages: [templated, { bad: true }] };
      const first = await gateway.call('POST', '/v1/messages/batch', { body, headers });
      const second = await gateway.call('POST', '/v1/messages/batch', { body, headers });

      expect(first.status).toBe(207);
      expect(second.status).toBe(207);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
    });
  });

  describe('GET /v1/messages/{id}', () => {
    it('answers accepted with one step for a message analytics has not seen yet', async () => {
      const sent = await gateway.call('POST', '/v1/messages', { body: inline });

      const answer = await gateway.call('GET', `/v1/messages/${sent.body.messageId}`);

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        messageId: sent.body.messageId,
        tenantId: 'acme',
        status: 'accepted',
        timeline: [{ type: 'accepted', occurredAt: expect.any(String), source: 'gateway' }],
      });
    });

    it("answers analytics' timeline once analytics knows the message", async () => {
      const sent = await gateway.call('POST', '/v1/messages', { body: inline });
      const view = {
        messageId: sent.body.messageId,
        tenantId: 'acme',
        status: 'sent',
        timeline: [
          { type: 'accepted', occurredAt: '2026-03-01T12:00:00.000Z', source: 'ingest' },
          {
            type: 'sent',
            occurredAt: '2026-03-01T12:00:01.000Z',
            source: 'sender-email',
            channel: 'email',
            provider: 'ses',
          },
        ],
      };
      analytics.answer = (request) =>
        request.path === `/internal/messages/acme/${sent.body.messageId}`
          ? { status: 200, body: view }
          : { status: 404 };

      const answer = await gateway.call('GET', `/v1/messages/${sent.body.messageId}`);

      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(view);
    });

    it("answers 404 for another tenant's message and for an unknown id", async () => {
      const sent = await gateway.call('POST', '/v1/messages', { body: inline });
      const otherKey = await gateway.createApiKey('initech');

      const other = await gateway.call('GET', `/v1/messages/${sent.body.messageId}`, { apiKey: otherKey });
      const unknown = await gateway.call('GET', '/v1/messages/7d0c7b4e-1f7e-4c3a-9d55-0d5b8f1e2a90');

      expect(other.status).toBe(404);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
      expect(unknown.status).toBe(404);
    });
  });

  it('serves the OpenAPI document at /docs', async () => {
    const answer = await fetch(`${gateway.url}/docs-json`);
    const document = (await answer.json()) as { paths: Record<string, unknown> };

    expect(answer.status).toBe(200);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/messages',
        '/v1/messages/batch',
        '/v1/messages/{messageId}',
        '/v1/templates',
        '/v1/triggers',
        '/v1/suppressions',
      ]),
    );
  });

  it('reports ready when Kafka and the database answer', async () => {
    const answer = await gateway.call('GET', '/health/ready', { apiKey: null });

    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('ready');
  });
});
