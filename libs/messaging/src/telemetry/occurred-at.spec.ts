import { occurredAtOf } from './occurred-at';

describe(occurredAtOf.name, () => {
  it('reads occurredAt as Date.parse does, whatever came before', () => {
    const values = [
      '2026-11-26T08:00:00.123Z',
      '2026-11-26T08:00:00.999Z',
      '2026-11-26T08:00:00.000Z',
      '2026-11-26T08:00:01.005Z',
      '2026-11-26T08:00:00.5Z',
      '2026-11-26T09:00:00.123+01:00',
      '2026-11-26T08:00:00.123Z',
      '1969-12-31T23:59:59.999Z',
      '1969-12-31T23:59:59.001Z',
    ];
    for (const value of values) expect(occurredAtOf({ occurredAt: value })).toBe(Date.parse(value));
  });

  it('has nothing to say about an event without a readable occurredAt', () => {
    expect(occurredAtOf({ occurredAt: 'yesterday' })).toBeUndefined();
    expect(occurredAtOf({ occurredAt: 3 })).toBeUndefined();
    expect(occurredAtOf(null)).toBeUndefined();
  });
});
