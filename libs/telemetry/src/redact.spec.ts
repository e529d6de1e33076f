import {
  describeError,
  LOG_LINE_LIMIT,
  LOG_STRING_LIMIT,
  loggableError,
  redact,
  redactText,
  serializeError,
  type SerializedError,
} from './redact';

describe('redactText', () => {
  it.each([
    ['sent to jane.doe@example.com', 'sent to j***@example.com'],
    ['cc a@mail.example.co.uk, Bob+news@x.io', 'cc a***@mail.example.co.uk, B***@x.io'],
    ['sms to +4915112345678 queued', 'sms to +***********78 queued'],
    ['call +14155550123.', 'call +*********23.'],
    ['Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig-_x==', 'Authorization: Bearer [REDACTED]'],
    ['basic auth with Basic dXNlcjpwYXNz', 'basic auth with Basic [REDACTED]'],
    ['header "bearer abcdef123456"', 'header "bearer [REDACTED]"'],
    ['postgres://app:s3cret@db:5432/switchboard', 'postgres://app:[REDACTED]@db:5432/switchboard'],
    ['GET /unsubscribe?token=abc123&list=news', 'GET /unsubscribe?token=[REDACTED]&list=news'],
    ['api_key=sb_live_123 password=hunter2', 'api_key=[REDACTED] password=[REDACTED]'],
  ])('masks %j', (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    'message 0b9f2c1e-7d7a-4a57-9f0b-6a3c2d1e4f5a accepted',
    'order 12345678901 shipped',
    'retry in 30000 ms, attempt 3',
    'version 1.2.3',
    'the bearer of this token is the owner',
  ])('leaves %j alone', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('is stable when applied twice', () => {
    const once = redactText('jane@example.com +4915112345678 Bearer abc');

    expect(redactText(once)).toBe(once);
  });

  it('cuts text to the string limit, with a marker, before masking it', () => {
    const text = `${'a'.repeat(150_000)} jane@example.com`;

    const redacted = redactText(text);

    expect(redacted.length).toBeLessThanOrEqual(LOG_STRING_LIMIT);
    expect(redacted).toMatch(/^a+…\[\+\d{3},\d{3} characters\]$/);
  });
});

describe('loggableError', () => {
  it('names the error, or shows a thrown value that is not one as text', () => {
    expect(describeError(new TypeError('boom'))).toBe('TypeError: boom');
    expect(loggableError(new TypeError('boom'))).toBe('TypeError: boom');
    expect(loggableError('SMS to +44 20 7946 0958 failed')).toBe('SMS to +** ** **** **58 failed');
  });

  it('cuts a huge error to the string limit before masking it', () => {
    const loggable = loggableError(new Error(`rejected ada@example.com ${'x'.repeat(1_000_000)}`));

    expect(loggable.length).toBeLessThanOrEqual(LOG_STRING_LIMIT);
    expect(loggable).toMatch(/^Error: rejected a\*\*\*@example\.com x+…\[\+\d{3},\d{3} characters\]$/);
  });
});

describe('redact', () => {
  it('replaces the values of secret-named keys at any depth, whatever their spelling', () => {
    const redacted = redact({
      tenantId: 'acme',
      headers: { Authorization: 'Bearer abc', 'X-Api-Key': 'sb_123', cookie: 'sid=1' },
      provider: { apiKey: 'k', accessKeyId: 'AKIA', secretAccessKey: 's', password: 'p', refresh_token: 't' },
      idempotencyKey: 'order-42',
      templateKey: 'welcome',
    });

    expect(redacted).toEqual({
      tenantId: 'acme',
      headers: { Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]', cookie: '[REDACTED]' },
      provider: {
        apiKey: '[REDACTED]',
        accessKeyId: '[REDACTED]',
        secretAccessKey: '[REDACTED]',
        password: '[REDACTED]',
        refresh_token: '[REDACTED]',
      },
      idempotencyKey: 'order-42',
      templateKey: 'welcome',
    });
  });

  it('masks personal data inside nested strings and arrays', () => {
    expect(
      redact({ recipient: { email: 'jane@example.com', phone: '+447700900123' }, to: ['bob@example.org'] }),
    ).toEqual({ recipient: { email: 'j***@example.com', phone: '+**********23' }, to: ['b***@example.org'] });
  });

  it('turns values JSON cannot hold into readable ones and cuts cycles', () => {
    const node: Record<string, unknown> = { name: 'root' };
    node.self = node;
    const shared = { id: 1 };

    expect(
      redact({
        node,
        twice: [shared, shared],
        at: new Date('2026-01-02T03:04:05.000Z'),
        count: 10n,
        body: Buffer.from('hello'),
        tags: new Set(['a']),
        byChannel: new Map([['email', 2]]),
        callback: () => undefined,
      }),
    ).toEqual({
      node: { name: 'root', self: '[Circular]' },
      twice: [{ id: 1 }, { id: 1 }],
      at: '2026-01-02T03:04:05.000Z',
      count: '10',
      body: '[5 bytes]',
      tags: ['a'],
      byChannel: { email: 2 },
      callback: undefined,
    });
  });

  it('cuts strings and keys, and leaves out what a log line has no room for, with markers', () => {
    const redacted = redact({
      tenantId: 'acme',
      reason: `missing variable ${'a'.repeat(150_000)}`,
      [`k${'e'.repeat(1000)}`]: 1,
      recipients: Array.from({ length: 10_000 }, (_, index) => `user${index}@example.com`),
    }) as Record<string, unknown>;

    const json = JSON.stringify(redacted);
    expect(json.length).toBeLessThanOrEqual(LOG_LINE_LIMIT + 256);
    expect(redacted.tenantId).toBe('acme');
    expect(redacted.reason).toMatch(/^missing variable a+…\[\+\d{3},\d{3} characters\]$/);
    expect(Object.keys(redacted)[2]).toMatch(/^ke+…\[\+\d+ characters\]$/);
    const recipients = redacted.recipients as string[];
    expect(recipients[0]).toBe('u***@example.com');
    expect(recipients.at(-1)).toMatch(/^…\[\+\d+ more items\]$/);
    expect(json).not.toMatch(/user\d/);
  });

  it('leaves out the fields of a wide object once the line is full, saying how many', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`field${index}`, index]));

    const redacted = redact(wide) as Record<string, unknown>;

    expect(JSON.stringify(redacted).length).toBeLessThanOrEqual(LOG_LINE_LIMIT + 256);
    expect(redacted.field0).toBe(0);
    expect(redacted['…']).toMatch(/^\[\+\d+ more fields\]$/);
  });

  it('leaves primitives as they are', () => {
    expect([redact(42), redact(true), redact(null), redact(undefined)]).toEqual([42, true, null, undefined]);
  });
});

describe('serializeError', () => {
  it('keeps name, message, stack, own properties and cause, masked', () => {
    class ProviderError extends Error {
      readonly code = 'PROVIDER_REJECTED';
      constructor(message: string, options?: ErrorOptions) {
        super(message, options);
        this.name = 'ProviderError';
      }
    }
    const error = new ProviderError('rejected jane@example.com', {
      cause: new Error('throttled, token=abc'),
    });

    const serialized = serializeError(error);

    expect(serialized).toMatchObject({
      name: 'ProviderError',
      message: 'rejected j***@example.com',
      code: 'PROVIDER_REJECTED',
      cause: { name: 'Error', message: 'throttled, token=[REDACTED]' },
    });
    expect(serialized.stack).toContain('ProviderError: rejected j***@example.com');
    expect(JSON.stringify(serialized)).not.toContain('jane@');
  });

  it('bounds a huge message, keeps the frames of its stack and masks what is shown', () => {
    const error = new Error(`jane@example.com ${'x'.repeat(150_000)}`, {
      cause: new Error('y'.repeat(150_000)),
    });

    const serialized = serializeError(error);

    expect(serialized.message.length).toBeLessThanOrEqual(LOG_STRING_LIMIT);
    expect(serialized.message).toMatch(/^j\*\*\*@example\.com x+…\[\+\d{3},\d{3} characters\]$/);
    expect(serialized.stack?.length).toBeLessThanOrEqual(LOG_STRING_LIMIT);
    expect(serialized.stack).toMatch(/^Error: j\*\*\*@example\.com x+…\[\+\d{3},\d{3} characters\]\n\s+at /);
    expect((serialized.cause as SerializedError).message).toMatch(/^y+…/);
    expect(JSON.stringify(serialized).length).toBeLessThanOrEqual(LOG_LINE_LIMIT + 256);
  });
});
