import { DeliveryEventTopic, type MessageAccepted, RenderRequestedTopic } from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { InMemoryDecisionStore } from '../../test/support/in-memory-decision-store';
import { loadFactsWithoutPolicy } from '../routing/load-policy-facts';
import { RouteMessages } from '../routing/route-messages.usecase';
import { InMemoryRecipientStore } from '../../test/support/in-memory-recipient-store';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { InMemoryScheduleStore } from '../../test/support/in-memory-schedule-store';
import { ReleaseDueSchedules } from './release-due-schedules.usecase';

function message(id: number, sendAt: string): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId: `00000000-0000-4000-8000-00000000000${id}`,
    acceptedAt: '2030-01-01T11:00:00.000Z',
    source: 'http',
    recipient: { email: 'ada@example.com' },
    content: { subject: 'Later', text: 'Hello later' },
    priority: 'normal',
    sendAt,
  };
}

describe('ReleaseDueSchedules', () => {
  let clock: Date;
  let events: RecordingEventSink;
  let decisions: InMemoryDecisionStore;
  let release: ReleaseDueSchedules;

  beforeEach(async () => {
    clock = new Date('2030-01-01T12:00:00.000Z');
    events = new RecordingEventSink();
    decisions = new InMemoryDecisionStore();
    const loadFacts = loadFactsWithoutPolicy(new InMemorySuppressionStore(), new InMemoryRecipientStore());
    const routeMessages = new RouteMessages(decisions, loadFacts, events, { now: () => clock });
    await routeMessages.execute([
      message(1, '2030-01-01T12:01:00.000Z'),
      message(2, '2030-01-01T12:02:00.000Z'),
      message(3, '2030-01-01T12:03:00.000Z'),
    ]);
    release = new ReleaseDueSchedules(new InMemoryScheduleStore(decisions), loadFacts, events, {
      now: () => clock,
      batchSize: 2,
    });
  });

  it('releases nothing before it is due', async () => {
    expect(await release.execute()).toBe(0);
    expect(events.on(RenderRequestedTopic)).toEqual([]);
  });

  it('publishes the due render requests with a routed event, each once', async () => {
    clock = new Date('2030-01-01T12:02:00.000Z');

    expect(await release.execute()).toBe(2);
    expect(await release.execute()).toBe(0);

    expect(events.on(RenderRequestedTopic).map((request) => request.messageId)).toEqual([
      message(1, '').messageId,
      message(2, '').messageId,
    ]);
    expect(events.on(DeliveryEventTopic).filter((event) => event.type === 'routed')).toEqual([
      expect.objectContaining({
        occurredAt: clock.toISOString(),
        detail: { messageType: 'default', scheduledFor: '2030-01-01T12:01:00.000Z' },
      }),
      expect.objectContaining({
        detail: { messageType: 'default', scheduledFor: '2030-01-01T12:02:00.000Z' },
      }),
    ]);
  });

  it('releases at most one batch per call, so a backlog drains over calls', async () => {
    clock = new Date('2030-01-01T13:00:00.000Z');

    expect(await release.execute()).toBe(2);
    expect(await release.execute()).toBe(1);
  });
});
