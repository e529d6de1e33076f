import { errorMessage, formatLine } from './messaging-log';

describe('errorMessage', () => {
  it('names the error, cut to 2 KiB and not masked (the dead letter keeps it as it was)', () => {
    const huge = new Error(`rejected ada@example.com ${'x'.repeat(1_000_000)}`);

    expect(errorMessage(new TypeError('boom'))).toBe('TypeError: boom');
    expect(errorMessage('not an error')).toBe('not an error');
    expect(errorMessage(huge).length).toBeLessThanOrEqual(2048);
    expect(errorMessage(huge)).toMatch(/^Error: rejected ada@example\.com x+…/);
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
