import { nextRunAfter, runsAfter, type RunTimes } from './next-runs';

function daily(cron: string, timeZone: string, window: Partial<RunTimes> = {}): RunTimes {
  return { cron, timeZone, startAt: null, endAt: null, ...window };
}

describe('runsAfter', () => {
  it('runs 02:30 Berlin time once on the spring-forward day, at 03:30 summer time when 02:30 does not exist', () => {
    // Clocks in Berlin go from 02:00 CET to 03:00 CEST on 28 March 2027.
    const runs = runsAfter(daily('30 2 * * *', 'Europe/Berlin'), new Date('2027-03-26T12:00:00Z'), 4);

    expect(runs.map((run) => run.toISOString())).toEqual([
      '2027-03-27T01:30:00.000Z', // 02:30 CET
      '2027-03-28T01:30:00.000Z', // 03:30 CEST: the day's one run, an hour late on the wall clock
      '2027-03-29T00:30:00.000Z', // 02:30 CEST
      '2027-03-30T00:30:00.000Z',
    ]);
  });

  it('runs 02:30 Berlin time once on the fall-back day, though 02:30 happens twice', () => {
    const runs = runsAfter(daily('30 2 * * *', 'Europe/Berlin'), new Date('2027-10-30T12:00:00Z'), 2);

    expect(runs.map((run) => run.toISOString())).toEqual([
      '2027-10-31T00:30:00.000Z', // the first 02:30, still summer time
      '2027-11-01T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('reads the expression in the zone: 09:00 on weekdays in New York', () => {
    const runs = runsAfter(daily('0 9 * * 1-5', 'America/New_York'), new Date('2027-01-01T15:00:00Z'), 2);

    expect(runs.map((run) => run.toISOString())).toEqual([
      '2027-01-04T14:00:00.000Z', // Monday; Friday 1 January's run had passed
      '2027-01-05T14:00:00.000Z',
    ]);
  });

  it('counts a run exactly at startAt and none at or after endAt', () => {
    const times = daily('0 * * * *', 'UTC', {
      startAt: new Date('2027-01-01T10:00:00Z'),
      endAt: new Date('2027-01-01T12:00:00Z'),
    });

    expect(runsAfter(times, new Date('2027-01-01T00:00:00Z'), 5).map((run) => run.toISOString())).toEqual([
      '2027-01-01T10:00:00.000Z',
      '2027-01-01T11:00:00.000Z',
    ]);
    expect(nextRunAfter(times, new Date('2027-01-01T11:00:00Z'))).toBeNull();
  });
});
