/**
 * Calendar arithmetic in IANA time zones with the platform's Intl data only (no tz library):
 * local date and time of an instant, and the instant of a local date and time.
 */

export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** ISO weekday: 1 = Monday .. 7 = Sunday. */
  readonly isoWeekday: number;
}

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
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of `epochMs` in `timeZone`, seconds included (for offsets). */
function wallClock(epochMs: number, timeZone: string): { fields: LocalDateTime; second: number } {
  const values: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = values;
  const isoWeekday = ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1;
  return { fields: { year, month, day, hour, minute, isoWeekday }, second };
}

export function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  return wallClock(epochMs, timeZone).fields;
}

/** Local time minus UTC at `epochMs`, in milliseconds (e.g. +3,600,000 for CET). */
export function offsetMs(epochMs: number, timeZone: string): number {
  const { fields, second } = wallClock(epochMs, timeZone);
  const asUtc = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    second,
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows this date and time. `day` may run
 * past the month's end (Date.UTC normalises it). A time skipped by a daylight-saving jump
 * resolves to the instant the clocks jumped over it (02:30 on a spring-forward night is 03:30);
 * a time that occurs twice (autumn) resolves to one of its two occurrences.
 */
export function instantOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetMs(asUtc, timeZone);
  const second = asUtc - offsetMs(first, timeZone);
  if (second === first) return first;
  // The offset changed between the guess and the answer: take the earlier consistent instant.
  const candidates = [first, second].filter(
    (candidate) => candidate + offsetMs(candidate, timeZone) === asUtc,
  );
  return candidates.length > 0 ? Math.min(...candidates) : Math.max(first, second);
}

/** "YYYY-MM" of the calendar month `epochMs` falls in, in `timeZone`. */
export function monthOf(epochMs: number, timeZone: string): string {
  const { year, month } = localDateTime(epochMs, timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/**
 * The time zones of a country (ISO 3166-1 alpha-2), from the platform's CLDR data; Antarctic
 * research stations listed under a country are left out when it has other zones.
 */
export function timeZonesOfCountry(country: string): readonly string[] {
  const cached = countryZones.get(country);
  if (cached) return cached;
  let zones: string[] = [];
  try {
    const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & {
      getTimeZones?: () => string[] | undefined;
    };
    zones = locale.getTimeZones?.() ?? [];
  } catch {
    zones = [];
  }
  const inhabited = zones.filter((zone) => !zone.startsWith('Antarctica/'));
  const result = inhabited.length > 0 ? inhabited : zones;
  countryZones.set(country, result);
  return result;
}

const countryZones = new Map<string, readonly string[]>();
