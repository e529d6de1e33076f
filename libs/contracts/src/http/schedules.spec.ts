import { validate } from '../validation';
import { CreateScheduleRequest, UpdateScheduleRequest } from './schedules';

const message = { recipient: { email: 'ada@example.com' }, content: { templateKey: 'digest' } };

function fieldsRefused(body: unknown): string[] {
  const result = validate(CreateScheduleRequest, body);
  return result.ok ? [] : result.problems.map((problem) => problem.field);
}

describe('CreateScheduleRequest', () => {
  it('takes a 5-field cron expression in an IANA zone, with an hour of tolerance by default', () => {
    const result = validate(CreateScheduleRequest, {
      cron: '30 9 * * MON-FRI',
      timeZone: 'Europe/Berlin',
      message,
    });

    expect(result).toMatchObject({ ok: true, value: { toleranceSeconds: 3600 } });
    expect(fieldsRefused({ cron: '0 0 1,15 * THU', timeZone: 'UTC', message })).toEqual([]);
  });

  it.each([
    ['six fields (seconds)', '0 30 9 * * *'],
    ['four fields', '30 9 * *'],
    ['a minute out of range', '61 9 * * *'],
    ['a day that never comes', '0 0 30 2 *'],
    ['a predefined alias', '@daily'],
    ['hashed values', 'H 9 * * *'],
    ['an empty expression', ' '],
  ])('refuses %s, naming cron', (_, cron) => {
    expect(fieldsRefused({ cron, timeZone: 'UTC', message })).toEqual(['cron']);
  });

  it('refuses an offset for a zone, a message with its own sendAt, and an end before the start', () => {
    expect(fieldsRefused({ cron: '0 9 * * *', timeZone: '+02:00', message })).toEqual(['timeZone']);
    expect(
      fieldsRefused({
        cron: '0 9 * * *',
        timeZone: 'UTC',
        message: { ...message, sendAt: '2030-01-01T00:00:00Z' },
      }),
    ).toEqual(['message.sendAt']);
    expect(
      fieldsRefused({
        cron: '0 9 * * *',
        timeZone: 'UTC',
        message,
        startAt: '2030-02-01T00:00:00Z',
        endAt: '2030-01-01T00:00:00Z',
      }),
    ).toEqual(['endAt']);
  });
});

describe('UpdateScheduleRequest', () => {
  it('takes any one field, and refuses an empty change', () => {
    expect(validate(UpdateScheduleRequest, { status: 'paused' }).ok).toBe(true);
    expect(validate(UpdateScheduleRequest, { name: null }).ok).toBe(true);
    expect(validate(UpdateScheduleRequest, {}).ok).toBe(false);
    expect(validate(UpdateScheduleRequest, { status: 'stopped' }).ok).toBe(false);
  });
});
