import { isWithinWindow, localTime, parseTimeWindow } from './time-window';

describe(isWithinWindow.name, () => {
  // 2026-11-27 is a Friday.
  const utc = (iso: string) => new Date(`${iso}Z`);

  it('reads local time in the window zone, daylight saving included', () => {
    expect(localTime(utc('2026-11-27T08:30:00'), 'Europe/Berlin')).toEqual({
      weekday: 5,
      minute: 9 * 60 + 30,
    });
    expect(localTime(utc('2026-07-03T08:30:00'), 'Europe/Berlin')).toEqual({
      weekday: 5,
      minute: 10 * 60 + 30,
    });
    expect(localTime(utc('2026-11-27T23:30:00'), 'Asia/Tokyo')).toEqual({
      weekday: 6,
      minute: 8 * 60 + 30,
    });
  });

  it('holds from start (inclusive) to end (exclusive) on the given days', () => {
    const office = parseTimeWindow('09:00', '17:00', [1, 2, 3, 4, 5], 'Europe/Berlin');
    expect(isWithinWindow(office, utc('2026-11-27T08:00:00'))).toBe(true); // Fri 09:00
    expect(isWithinWindow(office, utc('2026-11-27T07:59:00'))).toBe(false); // Fri 08:59
    expect(isWithinWindow(office, utc('2026-11-27T16:00:00'))).toBe(false); // Fri 17:00
    expect(isWithinWindow(office, utc('2026-11-28T10:00:00'))).toBe(false); // Sat 11:00
  });

  it('spans midnight when the end is before the start; the morning belongs to the day before', () => {
    const fridayNight = parseTimeWindow('22:00', '06:00', [5], 'UTC');
    expect(isWithinWindow(fridayNight, utc('2026-11-27T23:00:00'))).toBe(true); // Fri 23:00
    expect(isWithinWindow(fridayNight, utc('2026-11-28T05:59:00'))).toBe(true); // Sat 05:59
    expect(isWithinWindow(fridayNight, utc('2026-11-28T06:00:00'))).toBe(false); // Sat 06:00
    expect(isWithinWindow(fridayNight, utc('2026-11-28T23:00:00'))).toBe(false); // Sat 23:00
    expect(isWithinWindow(fridayNight, utc('2026-11-27T05:00:00'))).toBe(false); // Fri 05:00 (Thu's)
    const sundayNight = parseTimeWindow('22:00', '06:00', [7], 'UTC');
    expect(isWithinWindow(sundayNight, utc('2026-11-30T01:00:00'))).toBe(true); // Mon 01:00
  });

  it('covers the whole day when start equals end', () => {
    const allDay = parseTimeWindow('00:00', '00:00', [], 'UTC');
    expect(isWithinWindow(allDay, utc('2026-11-27T13:37:00'))).toBe(true);
  });

  it('refuses malformed times, weekdays and zones', () => {
    expect(() => parseTimeWindow('24:00', '06:00', [], 'UTC')).toThrow('windowStart');
    expect(() => parseTimeWindow('22:00', '6:00', [], 'UTC')).toThrow('windowEnd');
    expect(() => parseTimeWindow('22:00', '06:00', [0], 'UTC')).toThrow('windowDays');
    expect(() => parseTimeWindow('22:00', '06:00', [], 'Mars/Olympus')).toThrow(RangeError);
  });
});
