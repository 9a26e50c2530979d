import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The id of a message the dlr service sends itself (an MO's auto-reply or opt-out
 * confirmation), in the tenant API's format (`msg_` + ULID: 48-bit milliseconds, 80 bits, in
 * Crockford base32), so it sorts with the tenant's other messages. The 80 bits are derived from
 * the cause instead of drawn at random: a replayed MO yields the same id and sends nothing twice.
 */
export function replyMessageId(cause: string, at: Date): string {
  const time = BigInt(Math.max(0, Math.trunc(at.getTime()))) & ((1n << 48n) - 1n);
  const digest = createHash('sha256').update(cause).digest().subarray(0, 10);
  const random = BigInt(`0x${digest.toString('hex')}`);
  return `msg_${base32(time, 10)}${base32(random, 16)}`;
}

function base32(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let index = 0; index < length; index++) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}
