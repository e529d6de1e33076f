import { redact, redactText, serializeError } from './redact';

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
});
