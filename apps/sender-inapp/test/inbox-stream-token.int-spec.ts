import { issueRecipientToken } from '@switchboard/security';
import {
  createTestBroker,
  createTestDatabase,
  freePort,
  OtlpSpanKind,
  startServiceProcess,
  startTraceCollector,
  TEST_ENCRYPTION_VARIABLES,
  waitFor,
  type ServiceProcess,
  type TestBroker,
  type TestDatabase,
  type TraceCollector,
} from '@switchboard/testing';
import { openEventStream, type EventStreamClient } from './support/event-stream-client';

const SECRET = 'inbox-token-secret-for-the-stream-token-int-spec';
const OTHER_SECRET = 'a-secret-this-service-does-not-know-0123456789';
// Compiling the service from source on a busy machine takes a while.
const START_TIMEOUT_MS = 120_000;

/** The inbox stream's token as a real sender-inapp process sees it: in its spans, and over time. */
describe('the inbox stream token', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let collector: TraceCollector;
  let service: ServiceProcess;
  let serviceUrl: string;
  const streams: EventStreamClient[] = [];

  beforeAll(async () => {
    [broker, database, collector] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_inapp_stream_token'),
      startTraceCollector(),
    ]);
    const port = await freePort();
    serviceUrl = `http://127.0.0.1:${port}`;
    service = await startServiceProcess({
      name: 'sender-inapp',
      entry: 'apps/sender-inapp/src/main.ts',
      env: {
        PORT: String(port),
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        INBOX_TOKEN_SECRETS: SECRET,
        ...TEST_ENCRYPTION_VARIABLES,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        LOG_LEVEL: 'warn',
      },
      readyUrl: `${serviceUrl}/health/ready`,
      timeoutMs: START_TIMEOUT_MS,
    });
  }, START_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await service?.stop();
    await collector?.stop();
    await broker?.stop();
    await database?.drop();
  });

  async function openStream(token: string): Promise<EventStreamClient> {
    const stream = await openEventStream(`${serviceUrl}/v1/inbox/stream?access_token=${token}`);
    streams.push(stream);
    return stream;
  }

  it('ends a live stream when its token expires, saying why', async () => {
    const token = issueRecipientToken({ tenantId: 'acme', recipientId: 'ada', ttlSeconds: 2 }, SECRET);
    const expiresAtMs = expiryOf(token);

    const stream = await openStream(token);
    expect(stream.status).toBe(200);
    await waitFor('the stream to be open', () => stream.comments.includes('connected'));
    let endedAt: number | undefined;
    void stream.ended.then(() => (endedAt = Date.now()));

    await waitFor('the stream to end', () => endedAt !== undefined, 10_000);
    const last = stream.events.at(-1);
    expect(last).toMatchObject({ event: 'token-expired' });
    expect(JSON.parse(last?.data ?? '{}')).toEqual({
      reason: 'expired',
      detail: 'the recipient token has expired; ask your backend for a new one',
    });
    expect(last?.receivedAt).toBeGreaterThanOrEqual(expiresAtMs);
    // What EventSource does next, reconnecting with the same URL, is refused.
    const reconnect = await fetch(`${serviceUrl}/v1/inbox/stream?access_token=${token}`);
    expect(reconnect.status).toBe(401);
  });

  it('never exports the access_token query parameter in a span', async () => {
    const token = issueRecipientToken({ tenantId: 'acme', recipientId: 'grace', ttlSeconds: 2 }, SECRET);
    const foreign = issueRecipientToken(
      { tenantId: 'acme', recipientId: 'grace', ttlSeconds: 600 },
      OTHER_SECRET,
    );

    const refused = await fetch(`${serviceUrl}/v1/inbox/stream?lang=en&access_token=${foreign}`);
    expect(refused.status).toBe(401);
    await refused.text();
    const stream = await openStream(token);
    expect(stream.status).toBe(200);
    await stream.ended;

    const streamSpans = await waitFor('the server spans of both requests', () => {
      const found = collector
        .spans()
        .filter(
          (span) =>
            span.kind === OtlpSpanKind.server && JSON.stringify(span.attributes).includes('/v1/inbox/stream'),
        );
      return found.length >= 2 && found;
    });
    const exported = JSON.stringify(collector.spans());
    for (const secret of [token, foreign]) {
      expect(exported).not.toContain(secret);
      // Neither half of it: not the claims, not the signature.
      for (const part of secret.split('.')) expect(exported).not.toContain(part);
    }
    for (const span of streamSpans) {
      const urls = Object.values(span.attributes).filter(
        (value): value is string => typeof value === 'string' && value.includes('access_token'),
      );
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(url).toMatch(/access_token=REDACTED(&|$)/);
    }
  });
});

/** The expiry a recipient token states, in milliseconds since the epoch. */
function expiryOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as {
    expiresAt: number;
  };
  return payload.expiresAt * 1000;
}
