import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  RenderRequestedTopic,
} from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { InMemoryDecisionStore } from '../../test/support/in-memory-decision-store';
import { loadFactsWithoutPolicy } from './load-policy-facts';
import { RerouteFailedChannels } from './reroute-failed-channels.usecase';
import { RouteMessages } from './route-messages.usecase';

const messageId = '00000000-0000-4000-8000-000000000001';
const reroutedAt = new Date('2030-01-01T12:10:00.000Z');

function message(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId,
    acceptedAt: '2030-01-01T11:59:59.000Z',
    source: 'http',
    recipient: { email: 'ada@example.com', phone: '+14155550123' },
    channels: ['email', 'sms'],
    content: { subject: 'Hi', text: 'Hello' },
    priority: 'normal',
    ...overrides,
  };
}

function failed(channel: DeliveryEvent['channel'], type: DeliveryEvent['type'] = 'failed'): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId,
    type,
    occurredAt: '2030-01-01T12:05:00.000Z',
    source: `sender-${channel}`,
    channel,
    reason: 'provider refused',
  };
}

describe('RerouteFailedChannels', () => {
  let decisions: InMemoryDecisionStore;
  let events: RecordingEventSink;
  let reroute: RerouteFailedChannels;

  beforeEach(() => {
    decisions = new InMemoryDecisionStore();
    events = new RecordingEventSink();
    reroute = new RerouteFailedChannels(decisions, events, () => reroutedAt);
  });

  async function route(overrides: Partial<MessageAccepted> = {}): Promise<void> {
    const routeMessages = new RouteMessages(
      decisions,
      loadFactsWithoutPolicy(new InMemorySuppressionStore(), new InMemoryRecipientStore()),
      new RecordingEventSink(),
    );
    await routeMessages.execute([message(overrides)]);
  }

  it('moves a message whose email failed to sms, once however often the failure arrives', async () => {
    await route();

    expect(await reroute.execute([failed('email'), failed('email')])).toBe(1);
    expect(await reroute.execute([failed('email')])).toBe(0);

    expect(events.on(RenderRequestedTopic)).toEqual([
      expect.objectContaining({ messageId, channel: 'sms', address: '+14155550123' }),
    ]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId,
        type: 'rerouted',
        occurredAt: reroutedAt.toISOString(),
        source: 'router',
        channel: 'sms',
        reason: 'email failed: provider refused',
        detail: { from: 'email', to: 'sms' },
      },
    ]);
  });

  it('reroutes after a dead letter too', async () => {
    await route();

    expect(await reroute.execute([failed('email', 'dead-lettered')])).toBe(1);
  });

  it('leaves a message alone when its last channel fails, or under the all policy', async () => {
    await route();
    expect(await reroute.execute([failed('sms')])).toBe(0);

    decisions.decisions.clear();
    await route({ channelPolicy: 'all' });
    expect(await reroute.execute([failed('email')])).toBe(0);
    expect(events.on(RenderRequestedTopic)).toEqual([]);
  });

  it('passes over events that are not failures and messages it never routed', async () => {
    await route();

    expect(await reroute.execute([{ ...failed('email'), type: 'attempt-failed' }])).toBe(0);
    expect(
      await reroute.execute([{ ...failed('email'), messageId: '00000000-0000-4000-8000-000000000002' }]),
    ).toBe(0);
  });
});
