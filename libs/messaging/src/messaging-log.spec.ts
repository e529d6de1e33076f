import { formatLine, redactPersonalData } from './messaging-log';

describe('redactPersonalData', () => {
  it('masks email addresses and phone numbers', () => {
    expect(
      redactPersonalData(
        'Email address is not verified: ada.lovelace@example.com; SMS to +44 20 7946 0958 failed',
      ),
    ).toBe('Email address is not verified: [email]; SMS to [phone] failed');
  });

  it('leaves dates, offsets and message ids alone', () => {
    const text = 'offset 41 at 2026-03-01T10:00:00Z for 0f0e3b59-3c3f-4a63-9d0e-6f6f3f0f2a11';
    expect(redactPersonalData(text)).toBe(text);
  });
});

describe('formatLine', () => {
  it('appends the fields that have a value', () => {
    expect(formatLine('event skipped', { topic: 'sb.dlq.v1', partition: 0, tenant: undefined })).toBe(
      'event skipped (topic=sb.dlq.v1, partition=0)',
    );
  });
});
