import { ProblemError } from './problem';
import { decodeCursor, encodeCursor, parseListQuery, parseMonth } from './list-query.validation';

const errorsOf = (run: () => unknown): string[] => {
  try {
    run();
    return [];
  } catch (error) {
    return ((error as ProblemError).errors ?? []).map((item) => `${item.field}=${item.code}`);
  }
};

describe(parseListQuery.name, () => {
  it('defaults to the newest 50, unfiltered', () => {
    expect(parseListQuery({})).toEqual({
      statuses: undefined,
      to: undefined,
      from: undefined,
      since: undefined,
      until: undefined,
      limit: 50,
      cursor: undefined,
    });
  });

  it('reads every filter, normalising the destination', () => {
    const cursor = encodeCursor({ createdAt: new Date('2026-11-26T10:00:00.000Z'), id: 'msg_1' });
    expect(
      parseListQuery({
        status: ['delivered,failed', 'failed'],
        to: '+382 67 123 456',
        from: 'TuxHat',
        since: '2026-11-01T00:00:00+01:00',
        until: '2026-12-01T00:00:00Z',
        limit: '500',
        cursor,
      }),
    ).toEqual({
      statuses: ['delivered', 'failed'],
      to: '+38267123456',
      from: 'TuxHat',
      since: new Date('2026-10-31T23:00:00.000Z'),
      until: new Date('2026-12-01T00:00:00.000Z'),
      limit: 500,
      cursor: { createdAt: new Date('2026-11-26T10:00:00.000Z'), id: 'msg_1' },
    });
  });

  it('reports every bad parameter at once', () => {
    expect(
      errorsOf(() =>
        parseListQuery({
          status: 'lost',
          to: '123',
          limit: '-1',
          since: 'x',
          cursor: '!',
          page: '2',
        }),
      ).sort(),
    ).toEqual(
      [
        'cursor=cursor_invalid',
        'limit=limit_invalid',
        'page=unknown_field',
        'since=since_invalid',
        'status=status_invalid',
        'to=to_invalid',
      ].sort(),
    );
    expect(errorsOf(() => parseListQuery({ limit: ['1', '2'] }))).toEqual(['limit=limit_invalid']);
  });
});

describe('cursors', () => {
  it('round-trip, and anything else is refused', () => {
    const cursor = { createdAt: new Date(1_764_158_400_123), id: 'msg_01J' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const bad of [
      '',
      'abc',
      '!!!',
      'x'.repeat(300),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('["a","b"]').toString('base64url'),
      Buffer.from('[1,"\\u0000"]').toString('base64url'),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });
});

describe(parseMonth.name, () => {
  it('defaults to the current month, accepts YYYY-MM, refuses the rest', () => {
    expect(parseMonth({}, '2026-11')).toBe('2026-11');
    expect(parseMonth({ month: '2025-01' }, '2026-11')).toBe('2025-01');
    expect(errorsOf(() => parseMonth({ month: '2025-1' }, '2026-11'))).toEqual([
      'month=month_invalid',
    ]);
    expect(errorsOf(() => parseMonth({ month: '1999-12' }, '2026-11'))).toEqual([
      'month=month_invalid',
    ]);
    expect(errorsOf(() => parseMonth({ year: '2026' }, '2026-11'))).toEqual(['year=unknown_field']);
  });
});
