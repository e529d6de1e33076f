import { MessageRequestedTopics } from '@switchboard/contracts';
import { RecordingEventSink } from '@switchboard/testing';
import { CreateRecurringSchedule } from './create-recurring-schedule.usecase';
import { FireDueRecurringSchedules } from './fire-due-recurring-schedules.usecase';
import { InMemoryRecurringScheduleStore } from '../../test/support/in-memory-recurring-schedule-store';
import { occurrenceMessageId } from './occurrence-message-id';

const message = {
  recipient: { email: 'ada@example.com' },
  type: 'weekly-digest',
  content: { templateKey: 'digest', data: { edition: 7 } },
  priority: 'bulk' as const,
};

describe('FireDueRecurringSchedules', () => {
  let clock: Date;
  let store: InMemoryRecurringScheduleStore;
  let events: RecordingEventSink;
  let fire: FireDueRecurringSchedules;
  let create: CreateRecurringSchedule;

  beforeEach(() => {
    clock = new Date('2030-01-01T08:30:00.000Z');
    store = new InMemoryRecurringScheduleStore();
    events = new RecordingEventSink();
    fire = new FireDueRecurringSchedules(store, events, () => clock, 2);
    create = new CreateRecurringSchedule(store, () => clock);
  });

  const sent = () => Object.values(MessageRequestedTopics).flatMap((lane) => events.on(lane));

  it('sends nothing before the first run, then the run once as a request with an id derived from schedule and run', async () => {
    const schedule = await create.execute('acme', {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message,
      toleranceSeconds: 3600,
    });
    expect(schedule.nextRuns[0]).toBe('2030-01-01T09:00:00.000Z');

    expect(await fire.execute()).toEqual({ claimed: 0, sent: 0, skipped: 0 });
    clock = new Date('2030-01-01T09:00:00.400Z');
    expect(await fire.execute()).toEqual({ claimed: 1, sent: 1, skipped: 0 });
    expect(await fire.execute()).toEqual({ claimed: 0, sent: 0, skipped: 0 });

    const runAt = new Date('2030-01-01T09:00:00.000Z');
    expect(sent()).toEqual([
      {
        ...message,
        tenantId: 'acme',
        messageId: occurrenceMessageId(schedule.id, runAt),
        acceptedAt: clock.toISOString(),
        source: 'http',
      },
    ]);
    expect(store.schedules.get(schedule.id)).toMatchObject({
      lastRunAt: runAt,
      nextRunAt: new Date('2030-01-02T09:00:00.000Z'),
    });
  });

  it('sends several runs missed within the tolerance once, as the first missed run, and moves on to the next after now', async () => {
    const schedule = await create.execute('acme', {
      cron: '*/10 * * * *',
      timeZone: 'UTC',
      message,
      toleranceSeconds: 3600,
    });
    clock = new Date('2030-01-01T09:05:00.000Z'); // 08:40, 08:50 and 09:00 were missed

    expect(await fire.execute()).toEqual({ claimed: 1, sent: 1, skipped: 0 });

    expect(sent().map((request) => request.messageId)).toEqual([
      occurrenceMessageId(schedule.id, new Date('2030-01-01T08:40:00.000Z')),
    ]);
    expect(store.schedules.get(schedule.id)?.nextRunAt).toEqual(new Date('2030-01-01T09:10:00.000Z'));
  });

  it('skips and counts a run found later than the tolerance', async () => {
    const schedule = await create.execute('acme', {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message,
      toleranceSeconds: 600,
    });
    clock = new Date('2030-01-01T09:10:01.000Z');

    expect(await fire.execute()).toEqual({ claimed: 1, sent: 0, skipped: 1 });

    expect(sent()).toEqual([]);
    expect(store.schedules.get(schedule.id)).toMatchObject({
      skippedRuns: 1,
      lastRunAt: null,
      nextRunAt: new Date('2030-01-02T09:00:00.000Z'),
    });
  });

  it("publishes each run on its priority's lane, and one without a priority on the normal lane", async () => {
    await create.execute('acme', { cron: '0 9 * * *', timeZone: 'UTC', message, toleranceSeconds: 3600 });
    await create.execute('acme', {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message: { ...message, priority: undefined },
      toleranceSeconds: 3600,
    });
    clock = new Date('2030-01-01T09:00:01.000Z');

    await fire.execute();

    expect(events.on(MessageRequestedTopics.bulk).map((request) => request.priority)).toEqual(['bulk']);
    expect(events.on(MessageRequestedTopics.normal).map((request) => request.priority)).toEqual([undefined]);
    expect(events.on(MessageRequestedTopics.high)).toEqual([]);
  });

  it('claims at most one batch per call', async () => {
    for (const tenantId of ['acme', 'globex', 'initech']) {
      await create.execute(tenantId, { cron: '0 9 * * *', timeZone: 'UTC', message, toleranceSeconds: 3600 });
    }
    clock = new Date('2030-01-01T09:00:01.000Z');

    expect((await fire.execute()).claimed).toBe(2);
    expect((await fire.execute()).claimed).toBe(1);
    expect(new Set(sent().map((request) => request.tenantId))).toEqual(
      new Set(['acme', 'globex', 'initech']),
    );
  });

  it('stops at endAt: no run at or after it, and none left afterwards', async () => {
    const schedule = await create.execute('acme', {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message,
      toleranceSeconds: 3600,
      endAt: '2030-01-02T09:00:00.000Z',
    });
    expect(schedule.nextRuns).toEqual(['2030-01-01T09:00:00.000Z']);
    clock = new Date('2030-01-01T09:00:01.000Z');

    await fire.execute();

    expect(store.schedules.get(schedule.id)?.nextRunAt).toBeNull();
    clock = new Date('2030-01-05T09:00:01.000Z');
    expect(await fire.execute()).toEqual({ claimed: 0, sent: 0, skipped: 0 });
  });
});
