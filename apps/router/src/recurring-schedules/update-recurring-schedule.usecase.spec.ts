import { CreateRecurringSchedule } from './create-recurring-schedule.usecase';
import { InMemoryRecurringScheduleStore } from '../../test/support/in-memory-recurring-schedule-store';
import { UpdateRecurringSchedule } from './update-recurring-schedule.usecase';

const message = { recipient: { email: 'ada@example.com' }, content: { templateKey: 'digest', data: {} } };

describe('UpdateRecurringSchedule', () => {
  let clock: Date;
  let store: InMemoryRecurringScheduleStore;
  let update: UpdateRecurringSchedule;
  let scheduleId: string;

  beforeEach(async () => {
    clock = new Date('2030-01-01T08:30:00.000Z');
    store = new InMemoryRecurringScheduleStore();
    update = new UpdateRecurringSchedule(store, () => clock);
    const created = await new CreateRecurringSchedule(store, () => clock).execute('acme', {
      cron: '0 9 * * *',
      timeZone: 'UTC',
      message,
      toleranceSeconds: 3600,
    });
    scheduleId = created.id;
  });

  it('lists no next runs while paused, and on resume starts from the next run after now', async () => {
    expect(await update.execute('acme', scheduleId, { status: 'paused' })).toMatchObject({
      status: 'paused',
      nextRuns: [],
    });
    clock = new Date('2030-01-03T10:00:00.000Z');

    const resumed = await update.execute('acme', scheduleId, { status: 'active' });

    expect(resumed.nextRuns[0]).toBe('2030-01-04T09:00:00.000Z');
    expect(resumed.nextRuns).toHaveLength(5);
  });

  it('recomputes the next runs when the cron or zone changes, and keeps them when only the message does', async () => {
    const moved = await update.execute('acme', scheduleId, { cron: '0 9 * * *', timeZone: 'Asia/Tokyo' });
    expect(moved.nextRuns[0]).toBe('2030-01-02T00:00:00.000Z');

    const renamed = await update.execute('acme', scheduleId, { name: 'digest' });
    expect(renamed.nextRuns).toEqual(moved.nextRuns);
    expect(renamed.name).toBe('digest');
  });

  it("answers 404 for another tenant's schedule and 422 for a window with no run left", async () => {
    await expect(update.execute('globex', scheduleId, { status: 'paused' })).rejects.toMatchObject({
      status: 404,
      code: 'SCHEDULE_NOT_FOUND',
    });
    await expect(
      update.execute('acme', scheduleId, { endAt: '2030-01-01T08:45:00.000Z' }),
    ).rejects.toMatchObject({ status: 422, code: 'SCHEDULE_REFUSED' });
    expect((await store.find('acme', scheduleId))?.endAt).toBeNull();
  });
});
