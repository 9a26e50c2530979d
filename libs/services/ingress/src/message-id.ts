import { randomFillSync } from 'node:crypto';

import {
  CROCKFORD_BASE32 as CROCKFORD,
  MESSAGE_ID_PREFIX,
  ULID_MAX_TIME as MAX_TIME,
  ulidTime,
} from '@tuxhat/contracts';

/** 80 random bits as 16 base32 digits. */
const RANDOM_DIGITS = 16;

/** 80 random bits as a bigint; injectable so tests can pin them. */
export type RandomSource = () => bigint;

/** Random bytes drawn a pool at a time: one system call per 409 ids, not one per id. */
const POOL = Buffer.alloc(4_090);
let poolOffset = POOL.length;

/** 16 random base32 digits (80 bits) from the pool. */
function secureRandomDigits(): number[] {
  if (poolOffset + 10 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const digits = new Array<number>(RANDOM_DIGITS);
  // Two groups of 5 bytes = 40 bits = 8 digits each (5 bytes fit exactly in a safe integer).
  for (let group = 0; group < 2; group++) {
    let bits = 0;
    for (let byte = 0; byte < 5; byte++) bits = bits * 256 + POOL[poolOffset++];
    for (let digit = 7; digit >= 0; digit--) {
      digits[group * 8 + digit] = bits % 32;
      bits = Math.floor(bits / 32);
    }
  }
  return digits;
}

function digitsOf(value: bigint): number[] {
  const digits = new Array<number>(RANDOM_DIGITS);
  let rest = value & ((1n << 80n) - 1n);
  for (let index = RANDOM_DIGITS - 1; index >= 0; index--) {
    digits[index] = Number(rest & 31n);
    rest >>= 5n;
  }
  return digits;
}

/**
 * Message ids that sort by creation time: `msg_` + a ULID (48-bit millisecond timestamp, 80
 * random bits, Crockford base32, 26 characters). Sorting by id is sorting by time, so a tenant's
 * listing and the database's primary-key index stay in insertion order without a second index.
 *
 * Monotonic within this process (the ULID spec's rule): ids made in the same millisecond, or
 * while the clock steps backwards (NTP), increment the previous one instead of drawing new
 * random bits, so they still sort in the order they were made. Plain number arithmetic (no
 * BigInt) and pooled random bytes: it runs once per message on the hot path.
 */
export class MessageIdGenerator {
  private lastTime = -1;
  private random: number[] = [];
  private timePart = '';

  constructor(private readonly randomSource?: RandomSource) {}

  next(nowMs: number): string {
    const now = Math.trunc(nowMs);
    if (!(now >= 0 && now <= MAX_TIME)) throw new RangeError(`timestamp out of range: ${nowMs}`);
    if (now > this.lastTime) {
      this.setTime(now);
    } else if (!this.increment()) {
      // 2^80 ids in one millisecond: move to the next millisecond rather than repeat an id.
      this.setTime(this.lastTime + 1);
    }
    let randomPart = '';
    for (const digit of this.random) randomPart += CROCKFORD[digit];
    return `${MESSAGE_ID_PREFIX}${this.timePart}${randomPart}`;
  }

  private setTime(time: number): void {
    this.lastTime = time;
    this.random = this.randomSource ? digitsOf(this.randomSource()) : secureRandomDigits();
    this.timePart = ulidTime(time);
  }

  /** Adds one to the random digits; false when they were all at their maximum. */
  private increment(): boolean {
    for (let index = RANDOM_DIGITS - 1; index >= 0; index--) {
      if (this.random[index] < 31) {
        this.random[index]++;
        return true;
      }
      this.random[index] = 0;
    }
    return false;
  }
}
