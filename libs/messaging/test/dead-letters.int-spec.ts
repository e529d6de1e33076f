import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  HeaderName,
  MessageRequestedTopic,
} from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { z } from 'zod';
import {
  deliveryEvent,
  messageRequested,
  startMessagingHarness,
  type MessagingHarness,
} from './support/messaging-harness';

const topic = DeliveryEventTopic.topic;

describe('events that cannot be processed', () => {
  let harness: MessagingHarness;

  beforeEach(async () => {
    harness = await startMessagingHarness();
    await harness.provision([
      { topic, partitions: 1 },
      { topic: MessageRequestedTopic.topic, partitions: 1 },
    ]);
  });
  afterEach(() => harness.close());

  it('dead-letters an invalid or non-JSON payload with the reason, and handles the next event', async () => {
    const handled: string[] = [];
    await harness
      .runner('validation')
      .on(topic, async (event) => {
        handled.push(event.payload.messageId);
        return { outcome: 'done' };
      })
      .start();
    const valid = deliveryEvent();
    const invalid = JSON.stringify({ ...deliveryEvent(), type: 'teleported' });
    await harness.produceRaw(topic, [
      {
        key: 'acme:first',
        value: invalid,
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      },
      { key: 'acme:second', value: 'this is not JSON' },
      { key: `acme:${valid.messageId}`, value: JSON.stringify(valid) },
    ]);

    await waitFor('the valid event to be handled', () => handled.length === 1);
    expect(handled).toEqual([valid.messageId]);
    const letters = await harness.readRecords(DEAD_LETTER_TOPIC, 2);
    const [schemaLetter, jsonLetter] = letters.sort(
      (a, b) => Number(a.headers[HeaderName.originalOffset]) - Number(b.headers[HeaderName.originalOffset]),
    );
    expect(schemaLetter.key).toBe('acme:first');
    expect(schemaLetter.value).toBe(invalid);
    expect(schemaLetter.headers).toMatchObject({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      [HeaderName.originalTopic]: topic,
      [HeaderName.originalPartition]: '0',
      [HeaderName.originalOffset]: '0',
      [HeaderName.attempts]: '0',
    });
    expect(schemaLetter.headers[HeaderName.error]).toMatch(
      new RegExp(`^invalid ${topic} payload: type: Invalid option`),
    );
    expect(jsonLetter.key).toBe('acme:second');
    expect(jsonLetter.value).toBe('this is not JSON');
    expect(jsonLetter.headers[HeaderName.originalOffset]).toBe('1');
    expect(jsonLetter.headers[HeaderName.error]).toBe(
      `invalid ${topic} payload: (root): the value is not valid JSON`,
    );
    await waitFor(
      'all three offsets committed',
      async () => (await harness.committedOffset('validation', topic)) === 3,
    );
  });

  it('dead-letters an event its handler rejects at once, with the reason, and handles the next one', async () => {
    const upstream = 'upstream.orders';
    await harness.provision([{ topic: upstream, partitions: 1 }]);
    const tries: number[] = [];
    await harness
      .runner('rejecting')
      .onExternal(upstream, z.object({ n: z.number() }), async (event) => {
        tries.push(event.payload.n);
        return event.payload.n === 1
          ? { outcome: 'rejected', reason: 'tenant-not-allowed: not on this topic' }
          : { outcome: 'done' };
      })
      .start();

    await harness.produceRaw(upstream, [
      { key: 'k', value: JSON.stringify({ n: 1 }) },
      { key: 'k', value: JSON.stringify({ n: 2 }) },
    ]);

    await waitFor('the next event to be handled', () => tries.includes(2));
    expect(tries).toEqual([1, 2]);
    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(letter.value).toBe(JSON.stringify({ n: 1 }));
    expect(letter.headers).toMatchObject({
      [HeaderName.originalTopic]: upstream,
      [HeaderName.originalOffset]: '0',
      [HeaderName.error]: 'tenant-not-allowed: not on this topic',
      [HeaderName.attempts]: '1',
    });
    await waitFor(
      'both offsets committed',
      async () => (await harness.committedOffset('rejecting', upstream)) === 2,
    );
  });

  it('drops the sb-* headers of a topic other systems write, also from its dead letters', async () => {
    const upstream = 'upstream.forged';
    await harness.provision([{ topic: upstream, partitions: 1 }]);
    const seen: Array<Record<string, string>> = [];
    await harness
      .runner('external')
      .onExternal(upstream, z.object({ n: z.number() }), async (event) => {
        seen.push(event.headers);
        return { outcome: 'rejected', reason: 'refused' };
      })
      .start();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

    await harness.produceRaw(upstream, [
      {
        key: 'k',
        value: JSON.stringify({ n: 1 }),
        headers: {
          [HeaderName.tenant]: 'globex',
          [HeaderName.messageId]: 'forged',
          [HeaderName.attempt]: '7',
          [HeaderName.originalTopic]: 'sb.messages.accepted.v1',
          'sb-undecodable-batch': 'forged',
          traceparent,
          'x-upstream': 'kept',
        },
      },
    ]);

    await waitFor('the event to be handled', () => seen.length === 1);
    expect(seen[0]).toEqual({ traceparent, 'x-upstream': 'kept' });
    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(Object.keys(letter.headers).sort()).toEqual(
      [
        HeaderName.attempts,
        HeaderName.error,
        HeaderName.originalOffset,
        HeaderName.originalPartition,
        HeaderName.originalTopic,
        'traceparent',
        'x-upstream',
      ].sort(),
    );
    expect(letter.headers[HeaderName.originalTopic]).toBe(upstream);
  });

  it('retries a handler that throws and handles the event once it succeeds', async () => {
    const attempts: number[] = [];
    let successes = 0;
    const runner = harness.runner('flaky').on(topic, async (event) => {
      attempts.push(event.processingAttempt);
      if (event.processingAttempt <= 2) throw new Error('database briefly unavailable');
      successes += 1;
      return { outcome: 'done' };
    });
    await runner.start();
    await harness.publisher.publish(topic, deliveryEvent());

    await waitFor('the event to be handled', () => successes === 1);
    await waitFor('its offset committed', async () => (await harness.committedOffset('flaky', topic)) === 1);
    await runner.stop();
    expect(attempts).toEqual([1, 2, 3]);
    expect(successes).toBe(1);
    expect(await harness.endOffset(DEAD_LETTER_TOPIC)).toBe(0);
  });

  it('dead-letters an event whose handler fails every attempt, and the partition keeps flowing', async () => {
    const doomed = messageRequested();
    const next = messageRequested({ recipient: { email: 'grace.hopper@example.com' } });
    const attemptsSeen: number[] = [];
    const handled: string[] = [];
    await harness
      .runner('always-failing', { maxAttempts: 3 })
      .on(MessageRequestedTopic.topic, async (event) => {
        if (event.payload.messageId === doomed.messageId) {
          attemptsSeen.push(event.processingAttempt);
          throw new Error(`provider rejected ${doomed.recipient.email}`);
        }
        handled.push(event.payload.messageId);
        return { outcome: 'done' };
      })
      .start();
    await harness.publisher.publish(MessageRequestedTopic.topic, doomed);
    await harness.publisher.publish(MessageRequestedTopic.topic, next);

    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(attemptsSeen).toEqual([1, 2, 3]);
    expect(letter.key).toBe(MessageRequestedTopic.key(doomed));
    expect(JSON.parse(letter.value ?? 'null')).toEqual(doomed);
    expect(letter.headers).toMatchObject({
      [HeaderName.originalTopic]: MessageRequestedTopic.topic,
      [HeaderName.originalOffset]: '0',
      [HeaderName.attempts]: '3',
      [HeaderName.error]: `Error: provider rejected ${doomed.recipient.email}`,
      [HeaderName.schemaName]: 'MessageRequested',
      [HeaderName.messageId]: doomed.messageId,
    });
    await waitFor('the next event to be handled', () => handled.length === 1);
    expect(handled).toEqual([next.messageId]);
    await waitFor(
      'both offsets committed',
      async () => (await harness.committedOffset('always-failing', MessageRequestedTopic.topic)) === 2,
    );

    const logs = harness.logLines.join('\n');
    expect(logs).toContain(doomed.messageId);
    expect(logs).not.toContain('ada.lovelace@example.com');
    expect(logs).not.toContain('order-shipped');
  });
});
