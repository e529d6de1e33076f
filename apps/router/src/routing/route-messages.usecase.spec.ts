import { DeliveryEventTopic, type MessageAccepted, RenderRequestedTopic } from '@switchboard/contracts';
import { InMemorySuppressionStore } from '../suppressions/in-memory-suppression-store';
import { InMemoryDecisionStore } from './in-memory-decision-store';
import { RecordingEventSink } from './recording-event-sink';
import { RouteMessages } from './route-messages.usecase';

const now = new Date('2030-01-01T12:00:00.000Z');

function message(overrides: Partial<MessageAccepted> = {}): MessageAccepted {
  return {
    tenantId: 'acme',
    messageId: '00000000-0000-4000-8000-000000000001',
    acceptedAt: '2030-01-01T11:59:59.000Z',
    source: 'http',
    recipient: { email: 'ada@example.com' },
    content: { templateKey: 'welcome', data: { name: 'Ada' } },
    priority: 'high',
    ...overrides,
  };
}

describe('RouteMessages', () => {
  let decisions: InMemoryDecisionStore;
  let suppressions: InMemorySuppressionStore;
  let events: RecordingEventSink;
  let clock: Date;
  let routeMessages: RouteMessages;

  beforeEach(() => {
    decisions = new InMemoryDecisionStore();
    suppressions = new InMemorySuppressionStore();
    events = new RecordingEventSink();
    clock = now;
    routeMessages = new RouteMessages(decisions, suppressions, events, () => clock);
  });

  it('routes a message to rendering with its acceptance time, and records a routed event', async () => {
    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId: message().messageId,
        acceptedAt: '2030-01-01T11:59:59.000Z',
        channel: 'email',
        address: 'ada@example.com',
        priority: 'high',
        content: { templateKey: 'welcome', data: { name: 'Ada' } },
      },
    ]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      {
        tenantId: 'acme',
        messageId: message().messageId,
        type: 'routed',
        occurredAt: now.toISOString(),
        source: 'router',
        channel: 'email',
      },
    ]);
    expect(decisions.decisions.get(message().messageId)?.decision).toBe('routed');
  });

  it('skips a message to a suppressed address, whatever its case, and renders nothing', async () => {
    await suppressions.add('acme', { channel: 'email', address: 'ADA@example.com', reason: 'hard bounce' });

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopic)).toEqual([]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      expect.objectContaining({ type: 'skipped', reason: 'suppressed: hard bounce' }),
    ]);
  });

  it("does not apply another tenant's suppression", async () => {
    await suppressions.add('globex', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopic)).toHaveLength(1);
  });

  it('defers a message scheduled for later and keeps its render request for the release', async () => {
    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);

    expect(events.on(RenderRequestedTopic)).toEqual([]);
    expect(events.on(DeliveryEventTopic)).toEqual([
      expect.objectContaining({ type: 'deferred', reason: 'scheduled for 2030-01-01T13:00:00.000Z' }),
    ]);
    const schedule = decisions.schedules.get(message().messageId);
    expect(schedule?.dueAt).toEqual(new Date('2030-01-01T13:00:00.000Z'));
    expect(schedule?.renderRequest).toMatchObject({ address: 'ada@example.com', priority: 'high' });
  });

  it('keeps the first decision of a redelivered message and publishes it again unchanged', async () => {
    await routeMessages.execute([message()]);
    clock = new Date('2030-01-01T12:05:00.000Z');
    await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });

    const outcomes = await routeMessages.execute([message()]);

    expect(outcomes.get(message().messageId)).toMatchObject({
      redelivered: true,
      decision: { decision: 'routed' },
    });
    expect(events.on(RenderRequestedTopic)).toHaveLength(2);
    const [first, again] = events.on(DeliveryEventTopic);
    expect(again).toEqual(first);
  });

  it('does not render a redelivered message whose first decision was to skip it', async () => {
    await suppressions.add('acme', { channel: 'email', address: 'ada@example.com', reason: 'hard bounce' });
    await routeMessages.execute([message()]);
    suppressions.suppressions.clear();

    await routeMessages.execute([message()]);

    expect(events.on(RenderRequestedTopic)).toEqual([]);
  });

  it('does not schedule a redelivered message a second time', async () => {
    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);
    const schedule = decisions.schedules.get(message().messageId);
    if (schedule) schedule.releasedAt = clock;

    await routeMessages.execute([message({ sendAt: '2030-01-01T13:00:00.000Z' })]);

    expect(decisions.schedules.get(message().messageId)?.releasedAt).toBe(clock);
  });
});
