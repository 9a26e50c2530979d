/**
 * A daily window of local time in one zone: [start, end) in minutes of the day; an end before
 * the start spans midnight (22:00-06:00), equal start and end mean the whole day. `days` are
 * ISO weekdays (1 = Monday .. 7 = Sunday) on which the window *starts*; empty = every day. So
 * Friday 22:00-06:00 covers Saturday 01:00 too.
 */
export interface TimeWindow {
  readonly zone: string;
  readonly startMinute: number;
  readonly endMinute: number;
  readonly days: ReadonlySet<number>;
}

export interface LocalTime {
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  readonly minute: number;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses a rule's window columns; throws with a readable reason when one is wrong. */
export function parseTimeWindow(
  start: string,
  end: string,
  days: readonly number[],
  zone: string,
): TimeWindow {
  const startMinute = minuteOfDay(start, 'windowStart');
  const endMinute = minuteOfDay(end, 'windowEnd');
  for (const day of days) {
    if (!Number.isInteger(day) || day < 1 || day > 7)
      throw new Error(`windowDays: ${day} is not an ISO weekday (1-7)`);
  }
  formatterFor(zone); // throws RangeError for an unknown zone
  return { zone, startMinute, endMinute, days: new Set(days) };
}

function minuteOfDay(value: string, field: string): number {
  const match = HH_MM.exec(value);
  if (!match) throw new Error(`${field}: "${value}" is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isWithinWindow(window: TimeWindow, now: Date): boolean {
  const { weekday, minute } = localTime(now, window.zone);
  const { startMinute: start, endMinute: end, days } = window;
  const dayApplies = (day: number) => days.size === 0 || days.has(day);
  if (start === end) return dayApplies(weekday);
  if (start < end) return minute >= start && minute < end && dayApplies(weekday);
  // Spans midnight: the evening part belongs to today, the morning part to yesterday's window.
  if (minute >= start) return dayApplies(weekday);
  if (minute < end) return dayApplies(weekday === 1 ? 7 : weekday - 1);
  return false;
}

const WEEKDAYS: Readonly<Record<string, number>> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Local time of the current minute per zone: Intl formatting is the costly part of a window check. */
const minuteCache = new Map<string, { epochMinute: number; local: LocalTime }>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Weekday and minute of the day of `now` in `zone`. */
export function localTime(now: Date, zone: string): LocalTime {
  const epochMinute = Math.floor(now.getTime() / 60_000);
  const cached = minuteCache.get(zone);
  if (cached?.epochMinute === epochMinute) return cached.local;
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(zone).formatToParts(now)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  const local = { weekday, minute: hour * 60 + minute };
  minuteCache.set(zone, { epochMinute, local });
  return local;
}
