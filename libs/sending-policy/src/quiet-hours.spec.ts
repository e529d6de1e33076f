import fc from 'fast-check';
import {
  instantsOfLocalTime,
  isInsideQuietHours,
  localDateTimeAt,
  localTimeToInstant,
  parseTimeOfDay,
  quietHoursEnd,
} from './quiet-hours';

const NIGHT = { start: '22:00', end: '07:00' };

function endOf(at: string, window: { start: string; end: string }, timeZone: string): string | undefined {
  return quietHoursEnd(new Date(at), window, timeZone)?.toISOString();
}

describe('quietHoursEnd', () => {
  it('is undefined outside the window and the window end inside it', () => {
    expect(endOf('2026-06-01T12:00:00Z', { start: '09:00', end: '17:00' }, 'UTC')).toBe(
      '2026-06-01T17:00:00.000Z',
    );
    expect(endOf('2026-06-01T08:59:59Z', { start: '09:00', end: '17:00' }, 'UTC')).toBeUndefined();
    expect(endOf('2026-06-01T18:00:00Z', { start: '09:00', end: '17:00' }, 'UTC')).toBeUndefined();
  });

  it('counts the start minute in and the end minute out', () => {
    expect(endOf('2026-06-01T09:00:00Z', { start: '09:00', end: '17:00' }, 'UTC')).toBe(
      '2026-06-01T17:00:00.000Z',
    );
    expect(endOf('2026-06-01T16:59:59Z', { start: '09:00', end: '17:00' }, 'UTC')).toBe(
      '2026-06-01T17:00:00.000Z',
    );
    expect(endOf('2026-06-01T17:00:00Z', { start: '09:00', end: '17:00' }, 'UTC')).toBeUndefined();
  });

  it('ends a window running over midnight on the next morning before midnight and the same morning after it', () => {
    // Berlin is UTC+2 in June.
    expect(endOf('2026-06-01T21:30:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-06-02T05:00:00.000Z');
    expect(endOf('2026-06-02T03:00:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-06-02T05:00:00.000Z');
    expect(endOf('2026-06-02T05:00:00Z', NIGHT, 'Europe/Berlin')).toBeUndefined();
    expect(endOf('2026-06-01T19:59:00Z', NIGHT, 'Europe/Berlin')).toBeUndefined();
  });

  it('reads the window on the recipient wall clock, not in UTC', () => {
    // 23:00 UTC is 01:00 in Berlin (inside) and 19:00 in New York (outside).
    expect(endOf('2026-06-01T23:00:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-06-02T05:00:00.000Z');
    expect(endOf('2026-06-01T23:00:00Z', NIGHT, 'America/New_York')).toBeUndefined();
  });

  describe('across daylight-saving changes', () => {
    it('ends a Berlin night spanning the spring-forward change at 07:00 summer time (05:00Z, not 06:00Z)', () => {
      // 2026-03-29 02:00 CET becomes 03:00 CEST; 23:00 CET on the 28th is 22:00Z.
      expect(endOf('2026-03-28T22:00:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-03-29T05:00:00.000Z');
      expect(endOf('2026-03-29T04:59:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-03-29T05:00:00.000Z');
      expect(endOf('2026-03-29T05:00:00Z', NIGHT, 'Europe/Berlin')).toBeUndefined();
    });

    it('ends a Berlin night spanning the fall-back change at 07:00 winter time (06:00Z)', () => {
      // 2026-10-25 03:00 CEST becomes 02:00 CET.
      expect(endOf('2026-10-24T21:00:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-10-25T06:00:00.000Z');
      expect(endOf('2026-10-25T05:30:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-10-25T06:00:00.000Z');
    });

    it('ends New York nights spanning both changes at 07:00 local time', () => {
      // 2026-03-08 02:00 EST becomes 03:00 EDT; 2026-11-01 02:00 EDT becomes 01:00 EST.
      expect(endOf('2026-03-08T03:00:00Z', NIGHT, 'America/New_York')).toBe('2026-03-08T11:00:00.000Z');
      expect(endOf('2026-11-01T02:00:00Z', NIGHT, 'America/New_York')).toBe('2026-11-01T12:00:00.000Z');
    });

    it('starts the window at 22:00 local time on the evening after a change', () => {
      expect(endOf('2026-03-29T19:59:00Z', NIGHT, 'Europe/Berlin')).toBeUndefined();
      expect(endOf('2026-03-29T20:00:00Z', NIGHT, 'Europe/Berlin')).toBe('2026-03-30T05:00:00.000Z');
    });

    it('ends at the first instant after the jump when the end falls in the spring-forward gap', () => {
      // 02:30 does not exist in Berlin on 2026-03-29: the window ends when the clock reads 03:00 CEST.
      expect(endOf('2026-03-28T23:00:00Z', { start: '23:00', end: '02:30' }, 'Europe/Berlin')).toBe(
        '2026-03-29T01:00:00.000Z',
      );
      expect(endOf('2026-03-08T04:00:00Z', { start: '22:00', end: '02:15' }, 'America/New_York')).toBe(
        '2026-03-08T07:00:00.000Z',
      );
    });

    it('goes on to the next day when the instant after the gap is itself inside the window', () => {
      // 02:45–02:30 covers all but a quarter hour; 03:00 CEST is inside it.
      expect(endOf('2026-03-28T12:00:00Z', { start: '02:45', end: '02:30' }, 'Europe/Berlin')).toBe(
        '2026-03-30T00:30:00.000Z',
      );
    });

    it('ends at the first occurrence of an end the clock is set back over', () => {
      // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET) on 2026-10-25 in Berlin.
      expect(endOf('2026-10-24T21:00:00Z', { start: '22:00', end: '02:30' }, 'Europe/Berlin')).toBe(
        '2026-10-25T00:30:00.000Z',
      );
      // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST) on 2026-11-01 in New York.
      expect(endOf('2026-11-01T03:00:00Z', { start: '22:00', end: '01:30' }, 'America/New_York')).toBe(
        '2026-11-01T05:30:00.000Z',
      );
    });

    it('ends at the second occurrence for an instant in the repeated hour before it', () => {
      // 01:10Z reads 02:10 CET, the second time the clock shows 02:10 that night: still inside.
      expect(endOf('2026-10-25T01:10:00Z', { start: '22:00', end: '02:30' }, 'Europe/Berlin')).toBe(
        '2026-10-25T01:30:00.000Z',
      );
    });
  });

  it('handles zones with half-hour and quarter-hour offsets', () => {
    // India is UTC+05:30 all year: 21:30 IST is 16:00Z, 08:00 IST is 02:30Z.
    expect(endOf('2026-06-01T16:00:00Z', { start: '21:00', end: '08:00' }, 'Asia/Kolkata')).toBe(
      '2026-06-02T02:30:00.000Z',
    );
    expect(endOf('2026-06-01T15:29:00Z', { start: '21:00', end: '08:00' }, 'Asia/Kolkata')).toBeUndefined();
    expect(endOf('2026-06-01T15:30:00Z', { start: '21:00', end: '08:00' }, 'Asia/Kolkata')).toBe(
      '2026-06-02T02:30:00.000Z',
    );
    // Nepal is UTC+05:45.
    expect(endOf('2026-06-01T16:15:00Z', NIGHT, 'Asia/Kathmandu')).toBe('2026-06-02T01:15:00.000Z');
  });

  it('handles a half-hour daylight-saving change (Lord Howe Island)', () => {
    // 2026-10-04 02:00 +10:30 becomes 02:30 +11:00.
    expect(endOf('2026-10-03T12:00:00Z', { start: '22:00', end: '02:15' }, 'Australia/Lord_Howe')).toBe(
      '2026-10-03T15:30:00.000Z',
    );
    expect(endOf('2026-10-03T12:00:00Z', NIGHT, 'Australia/Lord_Howe')).toBe('2026-10-03T20:00:00.000Z');
  });

  it('agrees with a minute-by-minute walk of the wall clock in zones with and without daylight saving', () => {
    const zones = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Asia/Kathmandu',
    ];
    const minuteOfDay = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const asTime = (minute: number) =>
      `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    const insideByWallClock = (instant: number, start: number, end: number, zone: string) => {
      const local = localDateTimeAt(new Date(instant), zone);
      const minute = local.hour * 60 + local.minute;
      return start < end ? minute >= start && minute < end : minute >= start || minute < end;
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        // Instants around the daylight-saving changes of 2026 in both hemispheres, and elsewhere.
        fc.oneof(
          fc.integer({ min: Date.UTC(2026, 2, 5), max: Date.UTC(2026, 3, 7) }),
          fc.integer({ min: Date.UTC(2026, 8, 1), max: Date.UTC(2026, 10, 3) }),
          fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        ),
        minuteOfDay,
        minuteOfDay,
        (zone, at, start, end) => {
          fc.pre(start !== end);
          const window = { start: asTime(start), end: asTime(end) };
          const result = quietHoursEnd(new Date(at), window, zone);
          if (!insideByWallClock(at, start, end, zone)) {
            expect(result).toBeUndefined();
            return;
          }
          let walk = Math.floor(at / 60_000) * 60_000 + 60_000;
          while (insideByWallClock(walk, start, end, zone)) walk += 60_000;
          expect(result?.toISOString()).toBe(new Date(walk).toISOString());
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('isInsideQuietHours', () => {
  it('tells whether an instant is inside the window', () => {
    expect(isInsideQuietHours(new Date('2026-06-01T23:00:00Z'), NIGHT, 'UTC')).toBe(true);
    expect(isInsideQuietHours(new Date('2026-06-01T12:00:00Z'), NIGHT, 'UTC')).toBe(false);
  });
});

describe('localTimeToInstant', () => {
  it('converts a wall-clock time on an ordinary day', () => {
    expect(
      localTimeToInstant({ year: 2026, month: 7, day: 1 }, { hour: 9, minute: 30 }, 'Europe/Berlin'),
    ).toEqual(new Date('2026-07-01T07:30:00Z'));
    expect(
      localTimeToInstant({ year: 2026, month: 1, day: 1 }, { hour: 0, minute: 0 }, 'Asia/Kolkata'),
    ).toEqual(new Date('2025-12-31T18:30:00Z'));
  });

  it('takes the first instant after a gap and the first of two occurrences', () => {
    expect(
      localTimeToInstant({ year: 2026, month: 3, day: 29 }, { hour: 2, minute: 30 }, 'Europe/Berlin'),
    ).toEqual(new Date('2026-03-29T01:00:00Z'));
    expect(
      localTimeToInstant({ year: 2026, month: 10, day: 25 }, { hour: 2, minute: 30 }, 'Europe/Berlin'),
    ).toEqual(new Date('2026-10-25T00:30:00Z'));
  });
});

describe('instantsOfLocalTime', () => {
  it('finds none in a gap, two in a repeated hour and one otherwise', () => {
    const berlin = (month: number, day: number, hour: number, minute: number) =>
      instantsOfLocalTime({ year: 2026, month, day }, { hour, minute }, 'Europe/Berlin').map((instant) =>
        instant.toISOString(),
      );
    expect(berlin(3, 29, 2, 30)).toEqual([]);
    expect(berlin(10, 25, 2, 30)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(berlin(10, 25, 3, 0)).toEqual(['2026-10-25T02:00:00.000Z']);
  });
});

describe('parseTimeOfDay', () => {
  it('reads HH:MM and refuses anything else', () => {
    expect(parseTimeOfDay('07:05')).toEqual({ hour: 7, minute: 5 });
    expect(() => parseTimeOfDay('24:00')).toThrow(RangeError);
    expect(() => parseTimeOfDay('7:05')).toThrow(RangeError);
  });
});
