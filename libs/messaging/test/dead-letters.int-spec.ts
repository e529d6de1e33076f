import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  HeaderName,
  MessageRequestedTopic,
} from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
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
    expect(letter.key).toBe(`acme:${doomed.recipient.email}`);
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
