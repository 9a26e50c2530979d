/** Every message id starts with it: `msg_` + a ULID (MessageIdGenerator in libs/services/ingress). */
export const MESSAGE_ID_PREFIX = 'msg_';

/** ULID's alphabet (Crockford base32: no I, L, O, U), in ascending order. */
export const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID's timestamp is 48 bits of milliseconds, written as 10 base32 digits. */
export const ULID_MAX_TIME = 2 ** 48 - 1;
const TIME_DIGITS = 10;
const RANDOM_DIGITS = 16;

/** A ULID's time part: the millisecond timestamp as 10 Crockford base32 digits. */
export function ulidTime(ms: number): string {
  if (!(Number.isInteger(ms) && ms >= 0 && ms <= ULID_MAX_TIME)) {
    throw new RangeError(`timestamp out of range: ${ms}`);
  }
  let part = '';
  let rest = ms;
  for (let index = 0; index < TIME_DIGITS; index++) {
    part = CROCKFORD_BASE32[rest % 32] + part;
    rest = Math.floor(rest / 32);
  }
  return part;
}

/**
 * The smallest message id that can be made at `at` or later: the id of every message made
 * before it sorts below. Retention finds old rows with it as a range of a primary key (or an
 * index on message_id) instead of scanning for a timestamp.
 */
export function firstMessageIdAt(at: Date): string {
  return `${MESSAGE_ID_PREFIX}${ulidTime(Math.max(0, at.getTime()))}${'0'.repeat(RANDOM_DIGITS)}`;
}
