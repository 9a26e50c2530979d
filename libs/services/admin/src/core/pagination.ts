import { z } from 'zod';

/** One page of a list and where the next one starts (null: this was the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/**
 * Query parameters of every list: `limit` (1..200, default 50) and `cursor`, the opaque value of
 * a previous page's `nextCursor`. The cursor decodes to the sort key of the last item seen, so
 * pages stay stable while rows are added (keyset pagination, no OFFSET).
 */
export const pageQuery = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.int().min(1).max(MAX_PAGE_SIZE))
    .default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .transform((value, ctx) => {
      const decoded = decodeCursor(value);
      if (decoded === null) {
        ctx.addIssue({
          code: 'custom',
          message: "is not a cursor of this list; pass a previous page's nextCursor",
          params: { code: 'cursor_invalid' },
        });
        return z.NEVER;
      }
      return decoded;
    })
    .optional(),
};

const CURSOR_PREFIX = 'c1:';

export function encodeCursor(afterKey: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${afterKey}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : null;
}

/**
 * A page out of `limit + 1` rows read in the list's order: the extra row only tells whether
 * there is a next page.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
  keyOf: (row: Row) => string,
): Page<Item> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
