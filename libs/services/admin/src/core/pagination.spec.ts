import { z } from 'zod';

import { encodeCursor, pageOf, pageQuery } from './pagination';

const query = z.strictObject(pageQuery);

describe('pagination', () => {
  it('reads limit and cursor, with a default limit', () => {
    expect(query.parse({})).toEqual({ limit: 50 });
    expect(query.parse({ limit: '2', cursor: encodeCursor('acme') })).toEqual({
      limit: 2,
      cursor: 'acme',
    });
  });

  it.each([['0'], ['201'], ['1.5'], ['-1'], ['two'], ['']])('refuses limit=%p', (limit) => {
    expect(query.safeParse({ limit }).success).toBe(false);
  });

  it('refuses a cursor it did not make', () => {
    const result = query.safeParse({ cursor: Buffer.from('acme').toString('base64url') });
    expect(result.error?.issues[0]).toMatchObject({ params: { code: 'cursor_invalid' } });
    expect(query.safeParse({ cursor: '%%%' }).success).toBe(false);
  });

  it('pages with one extra row telling whether there is more', () => {
    const rows = ['a', 'b', 'c'];
    expect(
      pageOf(
        rows,
        2,
        (row) => row.toUpperCase(),
        (row) => row,
      ),
    ).toEqual({
      items: ['A', 'B'],
      nextCursor: encodeCursor('b'),
    });
    expect(
      pageOf(
        rows,
        3,
        (row) => row,
        (row) => row,
      ),
    ).toEqual({
      items: rows,
      nextCursor: null,
    });
  });
});
