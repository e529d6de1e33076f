import { HeaderName } from '@switchboard/contracts';
import type { ConsumedEvent } from '@switchboard/messaging';
import { deadLetterFor } from './dead-letters';

function consumed(value: Buffer | null): ConsumedEvent<{ to: string }> {
  return {
    topic: 'sb.dispatch.sms.normal.v1',
    partition: 4,
    offset: '1200',
    key: 'acme:+14155550100',
    // The opened payload a handler sees; the dead letter must not carry it.
    payload: { to: '+14155550100' },
    value,
    headers: { [HeaderName.messageId]: 'message-1' },
    attempt: 3,
    processingAttempt: 1,
  };
}

describe('deadLetterFor', () => {
  it('keeps the record as it was written, personal fields sealed, and says where it came from and why', () => {
    const sealed = Buffer.from('{"to":{"sealed":"c2VhbGVk"}}');
    const letter = deadLetterFor(consumed(sealed), 'attempts-exhausted: 3 of 3 attempts failed', 3);

    expect(letter.value).toBe(sealed);
    expect(letter.key).toEqual(Buffer.from('acme:+14155550100'));
    expect(letter.headers).toEqual({
      [HeaderName.messageId]: 'message-1',
      [HeaderName.originalTopic]: 'sb.dispatch.sms.normal.v1',
      [HeaderName.originalPartition]: '4',
      [HeaderName.originalOffset]: '1200',
      [HeaderName.error]: 'attempts-exhausted: 3 of 3 attempts failed',
      [HeaderName.attempts]: '3',
    });
  });

  it('cuts a long reason short', () => {
    const letter = deadLetterFor(consumed(null), 'x'.repeat(5000), 1);
    expect(letter.headers[HeaderName.error]).toHaveLength(2000);
    expect(letter.value).toBeNull();
  });
});
