import { HeaderName } from '@switchboard/contracts';
import type { BatchItem } from './dispatch-batch';
import { putOffRetry } from './put-offs';

const RETRY_TOPICS = [
  { delayMs: 1000, topic: 'sb.retry.test.1s.v1' },
  { delayMs: 10_000, topic: 'sb.retry.test.10s.v1' },
];
const now = Date.parse('2026-03-01T10:00:00Z');
const firstAttemptAt = new Date('2026-03-01T09:58:00Z');

function item(attempt: number): BatchItem<{ tenantId: string; messageId: string }> {
  const payload = { tenantId: 'acme', messageId: 'message-1' };
  return {
    index: 0,
    firstAttemptAt,
    priority: 'normal',
    event: {
      topic: 'sb.dispatch.sms.normal.v1',
      partition: 0,
      offset: '7',
      key: null,
      payload,
      value: Buffer.from(JSON.stringify(payload)),
      headers: { [HeaderName.messageId]: payload.messageId },
      attempt,
      processingAttempt: 1,
    },
  };
}

describe('putOffRetry', () => {
  it('puts a dispatch off on the tier that fits its wait, keeping its attempt and its age', () => {
    const until = new Date(now + 12_000);
    expect(putOffRetry(item(2), until, now, RETRY_TOPICS)).toEqual({
      retry: {
        topic: 'sb.retry.test.10s.v1',
        payload: { tenantId: 'acme', messageId: 'message-1' },
        attempt: 2,
        notBefore: until,
        firstAttemptAt,
      },
      delayMs: 12_000,
    });
  });

  it('takes a time already past as no wait', () => {
    const { retry, delayMs } = putOffRetry(item(1), new Date(now - 500), now, RETRY_TOPICS);
    expect(delayMs).toBe(0);
    expect(retry.topic).toBe('sb.retry.test.1s.v1');
  });
});
