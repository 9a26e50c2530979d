/**
 * SMPP time formats (SMPP 3.4 §7.1.1) for schedule_delivery_time and validity_period.
 * Absolute: "YYMMDDhhmmsstnnp" — year..second, tenths of a second, the offset from UTC in
 * quarter hours, and '+' (ahead of UTC) or '-' (behind). The gateway writes UTC ("00+").
 */
export function formatAbsoluteTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    two(date.getUTCFullYear() % 100) +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    String(Math.floor(date.getUTCMilliseconds() / 100)) +
    '00+'
  );
}

/**
 * Reads an absolute SMPP time (any UTC offset) or returns undefined for a relative one ('R') or
 * a malformed string. Years are taken in the 2000s.
 */
export function parseAbsoluteTime(value: string): Date | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d)(\d{2})([+-])$/.exec(value);
  if (!match) return undefined;
  const [yy, mm, dd, hh, mi, ss, t, nn] = match.slice(1, 9).map(Number);
  const utc = Date.UTC(2000 + yy, mm - 1, dd, hh, mi, ss, t * 100);
  const offsetMs = nn * 15 * 60_000 * (match[9] === '+' ? 1 : -1);
  return new Date(utc - offsetMs);
}
