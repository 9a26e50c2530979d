import { instantOf, localDateTime, monthOf, offsetMs, timeZonesOfCountry } from './time-zones';

const at = (iso: string) => new Date(iso).getTime();

describe('time zones', () => {
  it('reads the local date, time and ISO weekday of an instant', () => {
    // Sunday 2026-03-29 23:30 UTC is Monday 01:30 in Berlin (CEST since 01:00 UTC that day).
    expect(localDateTime(at('2026-03-29T23:30:00Z'), 'Europe/Berlin')).toEqual({
      year: 2026,
      month: 3,
      day: 30,
      hour: 1,
      minute: 30,
      isoWeekday: 1,
    });
    expect(localDateTime(at('2026-11-29T12:00:00Z'), 'UTC').isoWeekday).toBe(7);
  });

  it('knows offsets on both sides of a daylight-saving change', () => {
    expect(offsetMs(at('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetMs(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(offsetMs(at('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * 3_600_000);
    expect(offsetMs(at('2026-07-01T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });

  it('turns a local date and time into the instant, also across month ends', () => {
    expect(instantOf(2026, 1, 15, 9, 0, 'Europe/Berlin')).toBe(at('2026-01-15T08:00:00Z'));
    expect(instantOf(2026, 7, 15, 9, 0, 'Europe/Berlin')).toBe(at('2026-07-15T07:00:00Z'));
    expect(instantOf(2026, 1, 32, 6, 30, 'America/New_York')).toBe(at('2026-02-01T11:30:00Z'));
  });

  it('moves a time skipped by the spring-forward jump to just after it', () => {
    // 02:30 does not exist in Berlin on 2026-03-29: it becomes 03:30 CEST (01:30 UTC).
    expect(instantOf(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe(at('2026-03-29T01:30:00Z'));
  });

  it('resolves a time that occurs twice in autumn to one of its occurrences', () => {
    const instant = instantOf(2026, 10, 25, 2, 30, 'Europe/Berlin');
    expect([at('2026-10-25T00:30:00Z'), at('2026-10-25T01:30:00Z')]).toContain(instant);
  });

  it('names the calendar month in the zone, not in UTC', () => {
    const newYearInTokyo = at('2026-12-31T15:30:00Z');
    expect(monthOf(newYearInTokyo, 'UTC')).toBe('2026-12');
    expect(monthOf(newYearInTokyo, 'Asia/Tokyo')).toBe('2027-01');
  });

  it("lists a country's zones, without Antarctic stations", () => {
    expect(timeZonesOfCountry('ME')).toEqual(['Europe/Podgorica']);
    expect(timeZonesOfCountry('US')).toEqual(
      expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']),
    );
    expect(timeZonesOfCountry('AU').some((zone) => zone.startsWith('Antarctica/'))).toBe(false);
    expect(timeZonesOfCountry('XK')).toEqual([]);
  });
});
