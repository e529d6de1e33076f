import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { DEAD_LETTER_TOPIC, HeaderName, MAX_JSON_DEPTH } from '@switchboard/contracts';
import { waitFor, type SentEmail } from '@switchboard/testing';
import fc from 'fast-check';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import {
  fieldName,
  nestedText,
  objectPaths,
  stringPaths,
  textWithRawAt,
  valueAt,
  valuePaths,
  withKeyAt,
  withValueAt,
  type JsonPath,
} from './support/bad-json';
import {
  DEV_API_KEY,
  DEV_TENANT,
  startE2ePlatform,
  UPSTREAM_TOPIC,
  type E2ePlatform,
} from './support/e2e-platform';

// Property-based fuzzing of every body the public API takes, and of upstream events. The seed is
// fixed so that CI is repeatable; fast-check prints seed and path of a failure, and FUZZ_SEED
// replays it (FUZZ_RUNS multiplies the number of cases, to explore more on a workstation).
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (count: number) => ({ seed: SEED, numRuns: Math.max(1, Math.round(count * RUNS)) });

let e2e: E2ePlatform;
let routes: FuzzRoute[];

beforeAll(async () => {
  // The gateway issues inbox tokens only with a secret; without one that route answers 503 (see the note there).
  e2e = await startE2ePlatform({
    serviceEnv: { gateway: { INBOX_TOKEN_SECRETS: randomBytes(32).toString('base64url') } },
  });
  routes = await bodyRoutes();
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

interface FuzzRoute {
  method: string;
  /** With its path parameters filled in. */
  path: string;
  /** As the OpenAPI document names it, e.g. POST /v1/recipients/{recipientId}. */
  name: string;
  /** A body this route accepts, the start of every mutation. */
  validBody: unknown;
  /** Takes a batch whose items are accepted or rejected one by one. */
  batch: boolean;
  bodyLimitBytes: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ name }}</mj-text>
</mj-column></mj-section></mj-body></mjml>`;

const BODY_LIMIT_BYTES = 256 * 1024;
const BATCH_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

function message(address = 'fuzz@example.com'): Record<string, unknown> {
  return { recipient: { email: address }, content: { subject: 'Fuzz', text: 'Hello from the fuzzer' } };
}

function templatedMessage(address: string, templateKey: string, data: unknown): Record<string, unknown> {
  return { recipient: { email: address }, content: { templateKey, data } };
}

function pushSubscription(): Record<string, unknown> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: 'https://push.example.com/send/fuzz',
    keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

// A body each known route accepts; a route added later starts from {} until it is listed here.
const VALID_BODIES: Record<string, () => unknown> = {
  'POST /v1/messages': () => message(),
  'POST /v1/messages/batch': () => ({ messages: [message(), message('other@example.com')] }),
  'POST /v1/templates': () => ({
    key: `fuzz-${randomUUID().slice(0, 8)}`,
    name: 'Fuzz',
    subject: 'Hello {{ name }}',
    mjml: MJML,
  }),
  'POST /v1/templates/{key}/versions': () => ({ subject: 'Hello again {{ name }}', mjml: MJML }),
  'POST /v1/triggers': () => ({ eventType: 'fuzz.happened', templateKey: 'fuzz-template' }),
  'PUT /v1/recipients/{recipientId}': () => ({ email: 'fuzz@example.com', phone: '+14155550123' }),
  'PATCH /v1/recipients/{recipientId}': () => ({ timeZone: 'Europe/Berlin', attributes: { plan: 'pro' } }),
  'POST /v1/recipients/batch': () => ({
    recipients: [{ recipientId: `fuzz-${randomUUID().slice(0, 8)}`, email: 'fuzz@example.com' }],
  }),
  'PUT /v1/recipients/{recipientId}/preferences': () => ({ categories: { marketing: { enabled: false } } }),
  'POST /v1/message-types': () => ({ key: `fuzz-${randomUUID().slice(0, 8)}`, category: 'marketing' }),
  'PUT /v1/message-types/{key}': () => ({ category: 'marketing' }),
  'PUT /v1/sending-settings': () => ({ timeZone: 'Europe/Berlin' }),
  'POST /v1/schedules': () => ({
    cron: '0 9 * * 1',
    timeZone: 'Europe/Berlin',
    message: { recipient: { email: 'fuzz@example.com' }, content: { subject: 'Weekly', text: 'Hello' } },
  }),
  'PATCH /v1/schedules/{scheduleId}': () => ({ status: 'paused' }),
  'POST /v1/recipients/{recipientId}/push-subscriptions': pushSubscription,
  'POST /v1/recipients/{recipientId}/inbox-token': () => ({ ttlSeconds: 600 }),
  'POST /v1/suppressions': () => ({ channel: 'email', address: 'suppressed@example.com', reason: 'fuzz' }),
  'POST /v1/dead-letters/redrive': () => ({ ids: [randomUUID()] }),
  'POST /v1/operator/dead-letters/redrive': () => ({ ids: [randomUUID()] }),
};

const PATH_VALUES: Record<string, string> = {
  key: 'fuzz-template',
  recipientId: 'fuzz-recipient',
  scheduleId: randomUUID(),
};

/**
 * Every POST, PUT and PATCH route of the served OpenAPI document that takes JSON and is configured
 * on this platform. Routes that take only forms (the one-click unsubscribe and the preference page,
 * whose bodies mail providers and browsers send) are left out, and so is a feature this platform
 * does not configure (it answers 404 *_NOT_CONFIGURED to any body): both are logged.
 */
async function bodyRoutes(): Promise<FuzzRoute[]> {
  const response = await fetch(`${e2e.platform.gatewayUrl}/docs-json`);
  expect(response.status).toBe(200);
  const document = (await response.json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  const candidates = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => ['post', 'put', 'patch'].includes(method))
      .filter(([, operation]) => {
        const types = Object.keys(operation.requestBody?.content ?? { 'application/json': {} });
        return types.includes('application/json');
      })
      .map(([method]) => {
        const name = `${method.toUpperCase()} ${path}`;
        const batch = path.endsWith('/batch');
        return {
          method: method.toUpperCase(),
          path: path.replace(/\{(\w+)\}/g, (_, parameter: string) => PATH_VALUES[parameter] ?? 'fuzz-1'),
          name,
          validBody: (VALID_BODIES[name] ?? (() => ({})))(),
          batch,
          bodyLimitBytes: batch ? BATCH_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES,
        };
      }),
  );
  const configured: FuzzRoute[] = [];
  for (const route of candidates) {
    const answer = await send(route, JSON.stringify(route.validBody));
    const code = String((answer.body as { code?: unknown } | undefined)?.code ?? '');
    if (answer.status === 404 && code.endsWith('_NOT_CONFIGURED')) {
      console.log(`not fuzzing ${route.name}: ${code} on this platform`);
    } else {
      configured.push(route);
    }
  }
  return configured;
}

function send(route: FuzzRoute, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return request(route.method, route.path, body, headers);
}

async function request(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${e2e.platform.gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${DEV_API_KEY}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // Not JSON: the assertions below show the text.
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/**
 * The status of a request with a body near the limit. One over the limit is refused on its
 * Content-Length and the connection closed, so the client may fail writing the rest (EPIPE) and
 * lose the answer: its body is declared but not sent, and the 413 comes before it would be read.
 */
function statusOfSizedRequest(route: FuzzRoute, body: string): Promise<number> {
  const bytes = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${e2e.platform.gatewayUrl}${route.path}`,
      {
        method: route.method,
        headers: {
          authorization: `Bearer ${DEV_API_KEY}`,
          'content-type': 'application/json',
          'content-length': String(bytes),
        },
        timeout: 20_000,
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        if (bytes > route.bodyLimitBytes) outgoing.destroy();
      },
    );
    outgoing.on('error', reject);
    if (bytes > route.bodyLimitBytes) outgoing.flushHeaders();
    else outgoing.end(body);
  });
}

function expectNoServerError(route: Pick<FuzzRoute, 'name'>, body: string, answer: Answer): void {
  if (answer.status >= 500) {
    throw new Error(
      `${route.name} answered ${answer.status} to ${body.length > 300 ? `${body.slice(0, 300)}…` : body}: ${answer.text.slice(0, 500)}`,
    );
  }
}

function routePicker() {
  return fc.nat({ max: 1_000 }).map((index) => routes[index % routes.length]);
}

const BAD_CHARACTERS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff'];

describe('bad input at the HTTP edge, on every POST, PUT and PATCH route of the API', () => {
  it('finds the routes in the served OpenAPI document', () => {
    const names = routes.map((route) => route.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /v1/messages', 'POST /v1/messages/batch', 'POST /v1/templates']),
    );
    console.log(`fuzzing ${names.length} routes with seed ${SEED}: ${names.join(', ')}`);
  });

  it('answers arbitrary JSON, ASCII or any UTF-16 units, without a 5xx', async () => {
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' })),
          async (value) => {
            const body = JSON.stringify(value) ?? 'null';
            expectNoServerError(route, body, await send(route, body));
          },
        ),
        runs(25),
      );
    }
  });

  it(`refuses nesting past ${MAX_JSON_DEPTH} levels, up to 20,000, with 400 JSON_TOO_DEEP naming where`, async () => {
    for (const route of routes) {
      const placements = [[] as JsonPath, ...valuePaths(route.validBody)];
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: MAX_JSON_DEPTH + 1, max: 20_000 }),
          fc.constantFrom<'array' | 'object'>('array', 'object'),
          fc.constantFrom(...placements),
          async (levels, kind, at) => {
            const body = textWithRawAt(route.validBody, at, nestedText(levels, kind));
            // With an Idempotency-Key too: its fingerprint once walked the body recursively.
            const answer = await send(route, body, { 'idempotency-key': `fuzz-${randomUUID()}` });
            expectNoServerError(route, body, answer);
            // A batch leaves items of up to 64 levels to be rejected one by one (or the envelope to refuse).
            if (route.batch) {
              expect([207, 400]).toContain(answer.status);
              return;
            }
            expect(answer.status).toBe(400);
            expect(answer.body).toMatchObject({ code: 'JSON_TOO_DEEP' });
            expect(String(answer.body.detail)).toContain(
              at.length > 0 ? fieldName(at) : 'nests objects and arrays',
            );
          },
        ),
        runs(8),
      );
    }
  });

  it('refuses a NUL or an unpaired surrogate at any position of any field with 400 naming the field', async () => {
    for (const route of routes) {
      const fields = stringPaths(route.validBody);
      if (fields.length === 0) continue;
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fields),
          fc.nat(),
          fc.constantFrom(...BAD_CHARACTERS),
          async (at, position, bad) => {
            const original = String(valueAt(route.validBody, at));
            const cut = position % (original.length + 1);
            const body = JSON.stringify(
              withValueAt(route.validBody, at, `${original.slice(0, cut)}${bad}${original.slice(cut)}`),
            );
            const answer = await send(route, body);
            expectNoServerError(route, body, answer);
            expect(answer.text).toMatch(/NUL character \(U\+0000\)|unpaired UTF-16 surrogate/);
            if (route.batch) {
              // The bad item is rejected on its own, its field named relative to it; the others go on.
              expect(answer.status).toBe(207);
              // (A batch's results may say more of each item, such as the recipient id.)
              expect(answer.body.results).toContainEqual(
                expect.objectContaining({
                  index: at[1],
                  status: 'rejected',
                  problems: expect.arrayContaining([
                    { field: fieldName(at.slice(2)), problem: expect.stringContaining('contains') },
                  ]),
                }),
              );
              return;
            }
            expect(answer.status).toBe(400);
            expect(answer.body.errors).toContainEqual({
              field: fieldName(at),
              problem: expect.stringContaining('contains'),
            });
          },
        ),
        runs(20),
      );
    }
  });

  it('refuses a key with a NUL or an unpaired surrogate with 400 naming it', async () => {
    for (const route of routes.filter((candidate) => !candidate.batch)) {
      const objects = objectPaths(route.validBody);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...objects), fc.constantFrom(...BAD_CHARACTERS), async (at, bad) => {
          const body = JSON.stringify(withKeyAt(route.validBody, at, `note${bad}`, 'x'));
          const answer = await send(route, body);
          expectNoServerError(route, body, answer);
          expect(answer.status).toBe(400);
          expect(JSON.stringify(answer.body.errors)).toContain('is a key that contains');
        }),
        runs(5),
      );
    }
  });

  it('refuses a "__proto__" key, or a "constructor" holding "prototype", anywhere with 400 FORBIDDEN_KEY', async () => {
    for (const route of routes) {
      const objects = objectPaths(route.validBody);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...objects), fc.boolean(), async (at, proto) => {
          const body = proto
            ? JSON.stringify(withKeyAt(route.validBody, at, '__proto__', { polluted: true }))
            : JSON.stringify(
                withKeyAt(route.validBody, at, 'constructor', { prototype: { polluted: true } }),
              );
          const answer = await send(route, body);
          expectNoServerError(route, body, answer);
          expect(answer.status).toBe(400);
          expect(answer.body).toMatchObject({ code: 'FORBIDDEN_KEY' });
          expect(String(answer.body.detail)).toContain('valid JSON');
          expect(answer.body.errors).toEqual([
            { field: fieldName([...at, proto ? '__proto__' : 'constructor']), problem: expect.any(String) },
          ]);
        }),
        runs(6),
      );
    }
  });

  it('reads a body just under the size limit, and refuses one just over it with 413', async () => {
    for (const route of routes) {
      const fields = stringPaths(route.validBody);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -64, max: 64 }), async (offset) => {
          const padded = fields.length > 0 ? withValueAt(route.validBody, fields[0], '') : { padding: '' };
          const at = fields.length > 0 ? fields[0] : ['padding'];
          const base = Buffer.byteLength(JSON.stringify(padded));
          const fill = Math.max(0, route.bodyLimitBytes + offset - base);
          const body = JSON.stringify(withValueAt(padded, at, 'x'.repeat(fill)));
          const bytes = Buffer.byteLength(body);
          const status = await statusOfSizedRequest(route, body);
          const outcome =
            status === 413 ? 'refused as too large' : status < 500 ? 'read' : `answered ${status}`;
          expect({ route: route.name, bytes, outcome }).toEqual({
            route: route.name,
            bytes,
            outcome: bytes > route.bodyLimitBytes ? 'refused as too large' : 'read',
          });
        }),
        runs(2),
      );
    }
  });

  it('answers mutations of a valid body (values replaced, removed, added, retyped) without a 5xx', async () => {
    const badValue = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        '',
        ' ',
        '\u0000',
        '\ud800x',
        'x'.repeat(10_000),
        -1,
        0,
        1e308,
        2 ** 53 + 1,
        true,
        null,
        [],
        {},
      ),
      fc.integer({ min: 1, max: 60 }).map((levels) => JSON.parse(nestedText(levels, 'object')) as unknown),
      fc.string({ unit: 'binary', maxLength: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        routePicker(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'remove', 'add'), badValue), {
          minLength: 1,
          maxLength: 3,
        }),
        async (route, mutations) => {
          let value = route.validBody;
          for (const [pick, kind, replacement] of mutations) {
            const paths = valuePaths(value);
            if (kind === 'add' || paths.length === 0) {
              const objects = objectPaths(value);
              value =
                objects.length > 0
                  ? withKeyAt(value, objects[pick % objects.length], `extra${pick}`, replacement)
                  : replacement;
            } else {
              value = withValueAt(
                value,
                paths[pick % paths.length],
                kind === 'remove' ? undefined : replacement,
              );
            }
          }
          const body = JSON.stringify(value) ?? 'null';
          expectNoServerError(
            route,
            body,
            await send(route, body, { 'idempotency-key': `fuzz-${randomUUID()}` }),
          );
        },
      ),
      runs(200),
    );
  });
});

describe('bad upstream events', () => {
  let producer: Producer;

  beforeAll(async () => {
    producer = new Kafka({
      brokers: [e2e.broker.address],
      clientId: 'e2e-fuzz',
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  const upstreamEvent = (address: string, data: unknown = { name: 'Ada' }) => ({
    type: 'fuzz.shipped',
    tenant: DEV_TENANT,
    recipient: { email: address },
    data,
  });

  it('dead-letters arbitrary bytes and JSON on the upstream topic with a reason each, and still sends the email of a valid event after them', async () => {
    await createTemplate('fuzz-shipped');
    const trigger = await post('/v1/triggers', { eventType: 'fuzz.shipped', templateKey: 'fuzz-shipped' });
    expect(trigger.status).toBe(201);

    const marker = randomUUID();
    const badValues = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc
          .jsonValue({ maxDepth: 4, stringUnit: 'binary' })
          .map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
        fc
          .record({
            bad: fc.constantFrom(...BAD_CHARACTERS),
            levels: fc.integer({ min: MAX_JSON_DEPTH, max: 5_000 }),
          })
          .chain(({ bad, levels }) =>
            fc.constantFrom(
              JSON.stringify(upstreamEvent(`nul-${marker}@example.com`, { name: `Ada${bad}` })),
              JSON.stringify({ ...upstreamEvent(`type-${marker}@example.com`), type: `fuzz.shipped${bad}` }),
              `{"type":"fuzz.shipped","tenant":"${DEV_TENANT}","recipient":{"email":"deep-${marker}@example.com"},"data":${nestedText(levels, 'object')}}`,
              `{"type":"fuzz.shipped","tenant":"${DEV_TENANT}","recipient":{"email":"proto-${marker}@example.com"},"data":{"__proto__":{"polluted":true}}}`,
            ),
          )
          .map((text) => Buffer.from(text)),
      ),
      runs(60),
    );
    // One key: one partition, so the valid event comes after every bad one.
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: badValues.map((value) => ({ key: marker, value })),
    });

    // Valid events after them: a plain one, and one whose data nests as deep as a value may, which
    // stays valid when ingest carries it one level deeper in the message it publishes.
    const address = `valid-${marker}@example.com`;
    const deepAddress = `deepest-valid-${marker}@example.com`;
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: [
        { key: marker, value: JSON.stringify(upstreamEvent(address)) },
        {
          key: marker,
          value: textWithRawAt(
            upstreamEvent(deepAddress, { name: 'Deep', order: null }),
            ['data', 'order'],
            nestedText(MAX_JSON_DEPTH, 'object'),
          ),
        },
      ],
    });

    await waitForEmailTo(address, 60_000);
    await waitForEmailTo(deepAddress, 60_000);
    expect(
      (await e2e.ses.sentEmails()).filter((email) => email.to.some((to) => to.includes(marker))),
    ).toHaveLength(2);
    const parked = await deadLetters(
      `${badValues.length} dead letters keyed ${marker}`,
      (record) => record.key === marker,
      badValues.length,
    );
    expect(parked.every((record) => record.headers[HeaderName.error])).toBe(true);
  });

  it('dead-letters an upstream event with a NUL in its data, naming the field in the reason', async () => {
    const marker = randomUUID();
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: [
        { value: JSON.stringify(upstreamEvent(`${marker}@example.com`, { order: { note: 'a\u0000b' } })) },
      ],
    });

    const [deadLetter] = await deadLetters(`a dead letter holding ${marker}`, (record) =>
      record.value.includes(marker),
    );
    expect(deadLetter.headers[HeaderName.error]).toContain(
      'data.order.note: contains a NUL character (U+0000)',
    );
  });

  it('lists the parked events to their tenant as they were, bad text, forbidden keys and deep nesting included', async () => {
    const marker = randomUUID();
    const parked = [
      upstreamEvent(`nul-${marker}@example.com`, { note: 'a\u0000b' }),
      upstreamEvent(`surrogate-${marker}@example.com`, { note: 'half \ud800' }),
      JSON.parse(
        textWithRawAt(
          upstreamEvent(`deep-${marker}@example.com`),
          ['data', 'name'],
          nestedText(100, 'object'),
        ),
      ),
      withKeyAt(upstreamEvent(`proto-${marker}@example.com`), ['data'], '__proto__', { polluted: true }),
    ];
    await producer.send({
      topic: UPSTREAM_TOPIC,
      messages: parked.map((event) => ({ value: JSON.stringify(event) })),
    });

    const listed = await waitFor(`the ${parked.length} parked events in GET /v1/dead-letters`, async () => {
      const answer = await request('GET', `/v1/dead-letters?topic=${UPSTREAM_TOPIC}&limit=200`);
      expectNoServerError({ name: 'GET /v1/dead-letters' }, '', answer);
      const items = (answer.body.items ?? []) as Array<{ payload: unknown; reason: string }>;
      const mine = items.filter((item) => JSON.stringify(item.payload).includes(marker));
      return mine.length === parked.length ? mine : undefined;
    });
    expect(listed.map((item) => item.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('data.note: contains a NUL character'),
        expect.stringContaining('data.note: contains an unpaired UTF-16 surrogate'),
        expect.stringContaining('nests objects and arrays deeper than 32 levels'),
        expect.stringContaining('data.__proto__: is a forbidden key'),
      ]),
    );
  });
});

describe('a batch mixing valid and invalid items', () => {
  it('accepts and delivers every valid item, and rejects each invalid one naming its field', async () => {
    const marker = randomUUID().slice(0, 8);
    const valid = [0, 2, 5].map((index) => ({ index, address: `batch-${marker}-${index}@example.com` }));
    await createTemplate('fuzz-batch');
    const items: unknown[] = [
      templatedMessage(valid[0].address, 'fuzz-batch', { name: 'Ada' }),
      templatedMessage(`nul-${marker}@example.com`, 'fuzz-batch', { name: 'bad\u0000name' }),
      message(valid[1].address),
      withValueAt(message(`surrogate-${marker}@example.com`), ['content', 'subject'], 'half \ud83d'),
      JSON.parse(
        textWithRawAt(
          templatedMessage(`deep-${marker}@example.com`, 'fuzz-batch', { name: 'Deep', order: null }),
          ['content', 'data', 'order'],
          nestedText(40, 'object'),
        ),
      ),
      templatedMessage(valid[2].address, 'fuzz-batch', { name: 'Grace' }),
    ];

    const answer = await post('/v1/messages/batch', { messages: items });

    expect(answer.status).toBe(207);
    const results = answer.body.results as Array<{
      index: number;
      status: string;
      problems?: Array<{ field: string }>;
    }>;
    expect(results.filter((result) => result.status === 'accepted').map((result) => result.index)).toEqual([
      0, 2, 5,
    ]);
    const rejected = Object.fromEntries(
      results
        .filter((result) => result.status === 'rejected')
        .map((result) => [result.index, result.problems?.[0].field]),
    );
    expect(rejected).toEqual({
      1: 'content.data.name',
      3: 'content.subject',
      4: expect.stringMatching(/^content\.data\.order\.a\.a/),
    });
    for (const { address } of valid) await waitForEmailTo(address, 60_000);
  });
});

describe('after all of it', () => {
  it('has every service still running and live', async () => {
    for (const [name, service] of Object.entries(e2e.platform.services)) {
      expect({ name, running: isRunning(service.pid) }).toEqual({ name, running: true });
      const live = await fetch(`${e2e.platform.urls[name as keyof typeof e2e.platform.urls]}/health/live`);
      expect({ name, status: live.status }).toEqual({ name, status: 200 });
      // A 500 is a bug, logged with its error id; none of the bad input above may cause one.
      const bugs = service.logs.filter((line) => /unhandled error|Maximum call stack/.test(line));
      expect({ name, bugs }).toEqual({ name, bugs: [] });
    }
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function post(path: string, body: unknown): Promise<Answer> {
  return request('POST', path, JSON.stringify(body));
}

async function createTemplate(key: string): Promise<void> {
  const answer = await post('/v1/templates', {
    key,
    name: key,
    subject: 'Shipped to {{ name }}',
    mjml: MJML,
  });
  expect(answer.status).toBe(201);
}

async function waitForEmailTo(address: string, timeoutMs: number): Promise<SentEmail> {
  return waitFor(
    `an email to ${address} at the SES emulator`,
    async () => (await e2e.ses.sentEmails()).find((email) => email.to.includes(address)),
    timeoutMs,
  );
}

interface DeadLetterRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Reads the dead-letter topic from its start until `count` records match. */
async function deadLetters(
  description: string,
  accept: (record: DeadLetterRecord) => boolean,
  count = 1,
): Promise<DeadLetterRecord[]> {
  const consumer = new Kafka({
    brokers: [e2e.broker.address],
    clientId: 'e2e-fuzz-reader',
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId: `e2e-fuzz-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const found: DeadLetterRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: DEAD_LETTER_TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message: record }) => {
        const deadLetter = {
          key: record.key?.toString() ?? '',
          value: record.value?.toString() ?? '',
          headers: Object.fromEntries(
            Object.entries(record.headers ?? {}).map(([name, header]) => [name, String(header)]),
          ),
        };
        if (accept(deadLetter)) found.push(deadLetter);
      },
    });
    return await waitFor(description, () => (found.length >= count ? found : undefined), 30_000);
  } finally {
    await consumer.disconnect();
  }
}
