import { DeliveryEventTopic, MessageRequestedTopic } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { adoptCommittedOffsets } from '../src';
import {
  deliveryEvent,
  messageRequested,
  startMessagingHarness,
  type MessagingHarness,
} from './support/messaging-harness';

const events = DeliveryEventTopic.topic;
const requests = MessageRequestedTopic.topic;

describe('a group that takes over topics other groups read', () => {
  let harness: MessagingHarness;

  beforeEach(async () => {
    harness = await startMessagingHarness();
    await harness.provision([
      { topic: events, partitions: 1 },
      { topic: requests, partitions: 1 },
    ]);
  });
  afterEach(() => harness.close());

  it('reads each topic from where its former group was: nothing again, nothing skipped', async () => {
    await harness.publisher.publishMany(events, [deliveryEvent(), deliveryEvent()]);
    await harness.publisher.publishMany(requests, [messageRequested()]);
    const formerEvents = harness
      .runner('former-events')
      .on(events, () => Promise.resolve({ outcome: 'done' }));
    const formerRequests = harness
      .runner('former-requests')
      .on(requests, () => Promise.resolve({ outcome: 'done' }));
    await Promise.all([formerEvents.start(), formerRequests.start()]);
    await waitFor('the former groups to commit what they read', async () => {
      const committed = await Promise.all([
        harness.committedOffset('former-events', events),
        harness.committedOffset('former-requests', requests),
      ]);
      return committed[0] === 2 && committed[1] === 1;
    });
    await Promise.all([formerEvents.stop(), formerRequests.stop()]);
    const laterEvent = deliveryEvent();
    const laterRequest = messageRequested();
    await harness.publisher.publish(events, laterEvent);
    await harness.publisher.publish(requests, laterRequest);

    const sources = [
      { from: 'former-events', topics: [events] },
      { from: 'former-requests', topics: [requests] },
    ];
    await expect(adoptCommittedOffsets(harness.kafka, { to: 'merged', sources })).resolves.toBe(2);
    const handled: string[] = [];
    await harness
      .runner('merged')
      .on(events, (event) => {
        handled.push(event.payload.messageId);
        return Promise.resolve({ outcome: 'done' });
      })
      .on(requests, (event) => {
        handled.push(event.payload.messageId);
        return Promise.resolve({ outcome: 'done' });
      })
      .start();

    await waitFor('the merged group to commit through the end of both topics', async () => {
      const committed = await Promise.all([
        harness.committedOffset('merged', events),
        harness.committedOffset('merged', requests),
      ]);
      return committed[0] === 3 && committed[1] === 2;
    });
    expect(handled.sort()).toEqual([laterEvent.messageId, laterRequest.messageId].sort());
    await expect(adoptCommittedOffsets(harness.kafka, { to: 'merged', sources })).resolves.toBe(0);
  });
});
