import { errorMessage, formatLine, loggableError, redactPersonalData } from './messaging-log';

describe('redactPersonalData', () => {
  it('masks email addresses, phone numbers and secrets', () => {
    expect(
      redactPersonalData(
        'Email address is not verified: ada.lovelace@example.com; SMS to +44 20 7946 0958 failed; token=abc',
      ),
    ).toBe(
      'Email address is not verified: a***@example.com; SMS to +** ** **** **58 failed; token=[REDACTED]',
    );
  });

  it('leaves dates, offsets and message ids alone', () => {
    const text =
      'offset 41 at 2026-03-01T10:00:00Z for 0f0e3b59-3c3f-4a63-9d0e-6f6f3f0f2a11, offset 123456789012';
    expect(redactPersonalData(text)).toBe(text);
  });

  it('cuts a huge text to 2 KiB before masking it', () => {
    const redacted = redactPersonalData(`ada@example.com ${'a'.repeat(1_000_000)}`);

    expect(redacted.length).toBeLessThanOrEqual(2048);
    expect(redacted).toMatch(/^a\*\*\*@example\.com a+…\[\+\d{3},\d{3} characters\]$/);
  });
});

describe('errors', () => {
  const huge = new Error(`rejected ada@example.com ${'x'.repeat(1_000_000)}`);

  it('names the error, cut to 2 KiB', () => {
    expect(errorMessage(new TypeError('boom'))).toBe('TypeError: boom');
    expect(errorMessage('not an error')).toBe('not an error');
    expect(errorMessage(huge).length).toBeLessThanOrEqual(2048);
  });

  it('shows an error to a log line cut to 2 KiB and masked', () => {
    const loggable = loggableError(huge);

    expect(loggable.length).toBeLessThanOrEqual(2048);
    expect(loggable).toMatch(/^Error: rejected a\*\*\*@example\.com x+…\[\+\d{3},\d{3} characters\]$/);
  });
});

describe('formatLine', () => {
  it('appends the fields that have a value', () => {
    expect(formatLine('event skipped', { topic: 'sb.dlq.v1', partition: 0, tenant: undefined })).toBe(
      'event skipped (topic=sb.dlq.v1, partition=0)',
    );
  });

  it('cuts the message and each field before masking them, so that a line is bounded', () => {
    const line = formatLine(`handler failed for ada@example.com ${'m'.repeat(1_000_000)}`, {
      topic: 'sb.render.requested.v1',
      reason: `missing variable ${'v'.repeat(1_000_000)}`,
      recipient: 'grace@example.org',
    });

    expect(line.length).toBeLessThanOrEqual(2048 + 512);
    expect(line).toMatch(
      /^handler failed for a\*\*\*@example\.com m+…\[\+\d{3},\d{3} characters\] \(topic=sb\.render\.requested\.v1, reason=missing variable v+…\[\+\d{3},\d{3} characters\], recipient=g\*\*\*@example\.org\)$/,
    );
  });
});
