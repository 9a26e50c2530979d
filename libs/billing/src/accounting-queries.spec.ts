import { monthPeriod } from './accounting-queries';

describe('monthPeriod', () => {
  const iso = (month: string, timeZone?: string) => {
    const period = monthPeriod(month, timeZone);
    return period && [period.from.toISOString(), period.to.toISOString()];
  };

  it('spans a calendar month in UTC by default', () => {
    expect(iso('2026-11')).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    expect(iso('2026-12')).toEqual(['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  // Podgorica: CEST at the start of October, CET at its end (clocks go back on 25 October).
  it.each([
    ['2026-10', 'Europe/Podgorica', '2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
    ['2026-03', 'America/New_York', '2026-03-01T05:00:00.000Z', '2026-04-01T04:00:00.000Z'],
    ['2026-01', 'Asia/Kolkata', '2025-12-31T18:30:00.000Z', '2026-01-31T18:30:00.000Z'],
    ['2026-01', 'Pacific/Kiritimati', '2025-12-31T10:00:00.000Z', '2026-01-31T10:00:00.000Z'],
  ])(
    'spans %s on the wall clock of %s, across daylight-saving changes',
    (month, zone, from, to) => {
      expect(iso(month, zone)).toEqual([from, to]);
    },
  );

  it('starts a month whose midnight a daylight-saving jump skips at the jump', () => {
    // Cuba moved its clocks from 00:00 to 01:00 on 1 April 2012 (UTC-5 to UTC-4).
    expect(iso('2012-04', 'America/Havana')?.[0]).toBe('2012-04-01T05:00:00.000Z');
  });

  it.each(['2026-13', '2026-1', '26-01', ''])('is undefined for %p', (month) => {
    expect(monthPeriod(month)).toBeUndefined();
  });
});
