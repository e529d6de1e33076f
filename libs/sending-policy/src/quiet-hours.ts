import type { QuietHoursWindow } from '@switchboard/contracts';

export interface LocalDate {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
}

export interface LocalTime {
  hour: number;
  minute: number;
}

export interface LocalDateTime extends LocalDate, LocalTime {
  second: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

// Building a DateTimeFormat costs far more than using one, and the router asks per message.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// A batch is decided at one `now`, for recipients in a few zones: most readings repeat.
const LOCAL_DATE_TIME_CACHE_SIZE = 4096;
const localDateTimeCache = new Map<string, LocalDateTime>();

/** The wall-clock date and time at `at` in an IANA zone (to the second). */
export function localDateTimeAt(at: Date, timeZone: string): LocalDateTime {
  const second = Math.floor(at.getTime() / 1000);
  const key = `${timeZone} ${second}`;
  let local = localDateTimeCache.get(key);
  if (!local) {
    local = readWallClock(new Date(second * 1000), timeZone);
    if (localDateTimeCache.size >= LOCAL_DATE_TIME_CACHE_SIZE) localDateTimeCache.clear();
    localDateTimeCache.set(key, local);
  }
  return { ...local };
}

function readWallClock(at: Date, timeZone: string): LocalDateTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) fields[part.type] = part.value;
  const year = Number(fields.year);
  return {
    // Years before the common era come as "1 BC": astronomical numbering keeps the arithmetic right.
    year: fields.era === 'BC' ? 1 - year : year,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

function wallClockAsUtc(local: LocalDate & Partial<LocalDateTime>): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour ?? 0, local.minute ?? 0, local.second ?? 0, 0);
  return date.getTime();
}

/** How far the zone's wall clock is ahead of UTC at `instantMs`, in milliseconds (whole seconds). */
function offsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallClockAsUtc(localDateTimeAt(new Date(wholeSecond), timeZone)) - wholeSecond;
}

// Quiet hours of many recipients end at the same few wall-clock times: remember the conversions.
const LOCAL_TIME_CACHE_SIZE = 4096;
const localTimeCache = new Map<string, readonly number[]>();

/**
 * Every instant at which the zone's wall clock reads `date` `time`, earliest first: one on an
 * ordinary day, two when the clock is set back over that time, none when it jumps over it.
 */
export function instantsOfLocalTime(date: LocalDate, time: LocalTime, timeZone: string): Date[] {
  const key = `${timeZone} ${date.year}-${date.month}-${date.day} ${time.hour}:${time.minute}`;
  let instants = localTimeCache.get(key);
  if (!instants) {
    instants = computeInstantsOfLocalTime(date, time, timeZone);
    if (localTimeCache.size >= LOCAL_TIME_CACHE_SIZE) localTimeCache.clear();
    localTimeCache.set(key, instants);
  }
  return instants.map((instant) => new Date(instant));
}

function computeInstantsOfLocalTime(date: LocalDate, time: LocalTime, timeZone: string): number[] {
  const wallClock = wallClockAsUtc({ ...date, ...time, second: 0 });
  // Any offset in force at that wall time is one of those in force within a day of it.
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(wallClock + shift, timeZone)));
  const instants = [...offsets]
    .map((offset) => wallClock - offset)
    .filter((instant) => offsetAt(instant, timeZone) === wallClock - instant);
  return [...new Set(instants)].sort((left, right) => left - right);
}

/**
 * The instant the zone's wall clock reads `date` `time`. A time the clock is set back over
 * happens twice: the first is taken. A time the clock jumps over never happens: the first
 * instant after the jump is taken (02:30 on a spring-forward night in Berlin is 03:00 CEST).
 */
export function localTimeToInstant(date: LocalDate, time: LocalTime, timeZone: string): Date {
  const [first] = instantsOfLocalTime(date, time, timeZone);
  return first ?? endOfGapContaining(date, time, timeZone);
}

function endOfGapContaining(date: LocalDate, time: LocalTime, timeZone: string): Date {
  const wallClock = wallClockAsUtc({ ...date, ...time, second: 0 });
  const offsetBefore = offsetAt(wallClock - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wallClock + DAY_MS, timeZone);
  // Read with the offset after the jump, the time lies before the transition; with the one before, after it.
  let before = Math.min(wallClock - offsetAfter, wallClock - offsetBefore);
  let after = Math.max(wallClock - offsetAfter, wallClock - offsetBefore);
  const offsetAtStart = offsetAt(before, timeZone);
  while (after - before > 1000) {
    const middle = before + Math.floor((after - before) / 2000) * 1000;
    if (offsetAt(middle, timeZone) === offsetAtStart) before = middle;
    else after = middle;
  }
  return new Date(after);
}

/** Parses `HH:MM` as contracts' TimeOfDay writes it. */
export function parseTimeOfDay(text: string): LocalTime {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) throw new RangeError(`not a time of day (HH:MM): ${text}`);
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  if (hour > 23 || minute > 59) throw new RangeError(`not a time of day (HH:MM): ${text}`);
  return { hour, minute };
}

function nextDay(date: LocalDate): LocalDate {
  const next = new Date(wallClockAsUtc(date) + DAY_MS);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/**
 * When the quiet hours around `at` end, or undefined when `at` is outside them. The window is
 * read on the wall clock of `timeZone`, each day; a window whose end is before its start runs
 * over midnight. The start is inside the window, the end is not.
 */
export function quietHoursEnd(at: Date, window: QuietHoursWindow, timeZone: string): Date | undefined {
  const start = parseTimeOfDay(window.start);
  const end = parseTimeOfDay(window.end);
  const startMinute = start.hour * 60 + start.minute;
  const endMinute = end.hour * 60 + end.minute;
  const local = localDateTimeAt(at, timeZone);
  const minute = local.hour * 60 + local.minute;
  const today: LocalDate = { year: local.year, month: local.month, day: local.day };

  let endDate: LocalDate;
  if (startMinute < endMinute) {
    if (minute < startMinute || minute >= endMinute) return undefined;
    endDate = today;
  } else if (minute >= startMinute) {
    endDate = nextDay(today);
  } else if (minute < endMinute) {
    endDate = today;
  } else {
    return undefined;
  }
  // When the clock is set back over the end, `at` may lie in the repeated hour after its first
  // occurrence: the window then ends at the second one.
  const occurrences = instantsOfLocalTime(endDate, end, timeZone);
  const endInstant = occurrences.find((instant) => instant.getTime() > at.getTime());
  if (endInstant) return endInstant;
  // The clock jumps over the end. The first instant after the jump can itself be inside a window
  // that runs almost the whole day (02:45–02:30): the quiet hours then go on to the next end.
  const afterJump = localTimeToInstant(endDate, end, timeZone);
  return quietHoursEnd(afterJump, window, timeZone) ?? afterJump;
}

export function isInsideQuietHours(at: Date, window: QuietHoursWindow, timeZone: string): boolean {
  return quietHoursEnd(at, window, timeZone) !== undefined;
}
