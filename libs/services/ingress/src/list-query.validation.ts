import { MESSAGE_STATUSES, type MessageStatus } from '@tuxhat/contracts';

import type { FieldError } from './problem';
import {
  type FieldErrorCode,
  isStorableText,
  isValidSender,
  normaliseE164,
  validationFailed,
} from './submission.validation';

/** Where a page starts: after this message in (createdAt, id) descending order. */
export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** GET /v1/messages (gRPC List), validated. */
export interface ListQuery {
  readonly statuses: readonly MessageStatus[] | undefined;
  readonly to: string | undefined;
  readonly from: string | undefined;
  /** Inclusive. */
  readonly since: Date | undefined;
  /** Exclusive. */
  readonly until: Date | undefined;
  readonly limit: number;
  readonly cursor: PageCursor | undefined;
}

export const LIST_LIMITS = { defaultLimit: 50, maxLimit: 500 } as const;

const LIST_PARAMETERS = ['status', 'to', 'from', 'since', 'until', 'limit', 'cursor'] as const;
type ListParameter = (typeof LIST_PARAMETERS)[number];

/** Query parameters as HTTP frameworks hand them over: a repeated one is an array. */
export type RawQuery = Readonly<Record<string, unknown>>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const MAX_CURSOR_LENGTH = 256;

/**
 * Validates a listing query and reports every problem at once. Unknown parameters are errors,
 * like unknown body fields: a misspelt filter must not silently list everything.
 */
export function parseListQuery(raw: RawQuery): ListQuery {
  const errors: FieldError[] = [];
  const error = (field: string, code: FieldErrorCode, message: string) => {
    errors.push({ field, code, message });
    return undefined;
  };
  for (const key of Object.keys(raw)) {
    if (!(LIST_PARAMETERS as readonly string[]).includes(key)) {
      error(key, 'unknown_field', 'is not a parameter of this request');
    }
  }
  const single = (name: ListParameter, code: FieldErrorCode): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    return error(name, code, 'must be given once');
  };

  let statuses: MessageStatus[] | undefined;
  const rawStatus = raw.status;
  if (rawStatus !== undefined && rawStatus !== '') {
    const values = (Array.isArray(rawStatus) ? (rawStatus as unknown[]) : [rawStatus])
      .flatMap((value) => (typeof value === 'string' ? value.split(',') : [value]))
      .filter((value) => value !== '');
    if (values.every((value) => (MESSAGE_STATUSES as readonly unknown[]).includes(value))) {
      statuses = [...new Set(values as MessageStatus[])];
    } else {
      error('status', 'status_invalid', `must be one or more of ${MESSAGE_STATUSES.join(', ')}`);
    }
  }

  const rawTo = single('to', 'to_invalid');
  const to =
    rawTo === undefined
      ? undefined
      : (normaliseE164(rawTo) ??
        error('to', 'to_invalid', 'must be a valid phone number in E.164 format'));

  const rawFrom = single('from', 'from_invalid');
  const from =
    rawFrom === undefined || isValidSender(rawFrom)
      ? rawFrom
      : error('from', 'from_invalid', 'must be a sender id, number or short code');

  const time = (name: 'since' | 'until', code: FieldErrorCode): Date | undefined => {
    const value = single(name, code);
    if (value === undefined) return undefined;
    const ms = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
    return Number.isFinite(ms)
      ? new Date(ms)
      : error(name, code, 'must be an RFC 3339 time with offset, e.g. 2026-11-01T00:00:00Z');
  };
  const since = time('since', 'since_invalid');
  const until = time('until', 'until_invalid');

  const rawLimit = single('limit', 'limit_invalid');
  let limit: number = LIST_LIMITS.defaultLimit;
  if (rawLimit !== undefined) {
    const parsed = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (parsed >= 1 && parsed <= LIST_LIMITS.maxLimit) limit = parsed;
    else
      error('limit', 'limit_invalid', `must be a whole number from 1 to ${LIST_LIMITS.maxLimit}`);
  }

  const rawCursor = single('cursor', 'cursor_invalid');
  const cursor =
    rawCursor === undefined
      ? undefined
      : (decodeCursor(rawCursor) ??
        error('cursor', 'cursor_invalid', 'is not a cursor this API returned'));

  if (errors.length > 0) throw validationFailed(errors);
  return { statuses, to, from, since, until, limit, cursor };
}

/**
 * Opaque to clients: base64url of the last item's creation time and id. Keyset pagination on
 * (createdAt, id) is stable under inserts: new messages sort before the first page and never
 * shift the pages after it.
 */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id]), 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(value: string): PageCursor | null {
  if (value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      Number.isSafeInteger(parsed[0]) &&
      typeof parsed[1] === 'string' &&
      parsed[1].length > 0 &&
      parsed[1].length <= 64 &&
      isStorableText(parsed[1])
    ) {
      const createdAt = new Date(parsed[0] as number);
      return Number.isFinite(createdAt.getTime()) ? { createdAt, id: parsed[1] } : null;
    }
  } catch {
    // Not JSON: not ours.
  }
  return null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM`; default `current` (the current month in the tenant's zone). */
export function parseMonth(raw: RawQuery, current: string): string {
  const errors: FieldError[] = Object.keys(raw)
    .filter((key) => key !== 'month')
    .map((key) => ({
      field: key,
      code: 'unknown_field',
      message: 'is not a parameter of this request',
    }));
  const value = raw.month;
  let month = current;
  if (value !== undefined && value !== '') {
    const match = typeof value === 'string' ? MONTH.exec(value) : null;
    if (match && Number(match[1]) >= 2000 && Number(match[1]) <= 2999) month = value as string;
    else
      errors.push({
        field: 'month',
        code: 'month_invalid',
        message: 'must be YYYY-MM, e.g. 2026-11',
      });
  }
  if (errors.length > 0) throw validationFailed(errors);
  return month;
}
