import { formatAbsoluteTime, parseAbsoluteTime } from './smpp-time';

describe(formatAbsoluteTime.name, () => {
  it('writes YYMMDDhhmmss, tenths, and a zero UTC offset', () => {
    expect(formatAbsoluteTime(new Date('2026-11-26T09:05:07.891Z'))).toBe('261126090507800+');
    expect(formatAbsoluteTime(new Date('2031-01-02T23:59:59.050Z'))).toBe('310102235959000+');
  });

  it('is 16 characters, as §7.1.1 requires', () => {
    expect(formatAbsoluteTime(new Date())).toHaveLength(16);
  });
});

describe(parseAbsoluteTime.name, () => {
  it('reads UTC and offset times', () => {
    expect(parseAbsoluteTime('261126090507800+')?.toISOString()).toBe('2026-11-26T09:05:07.800Z');
    // 04+ = one hour ahead of UTC
    expect(parseAbsoluteTime('261126100507800+'.replace('00+', '04+'))?.toISOString()).toBe(
      '2026-11-26T09:05:07.800Z',
    );
  });

  it('returns undefined for relative times and garbage', () => {
    expect(parseAbsoluteTime('000001000000000R')).toBeUndefined();
    expect(parseAbsoluteTime('soon')).toBeUndefined();
  });
});
