import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_BITS = 48n;
const RANDOM_BITS = 80n;
const MAX_TIME = (1n << TIME_BITS) - 1n;
const MAX_RANDOM = (1n << RANDOM_BITS) - 1n;
export const MESSAGE_ID_PREFIX = 'msg_';

/** 80 random bits as a bigint; injectable so tests can pin them. */
export type RandomSource = () => bigint;

const secureRandom: RandomSource = () => BigInt(`0x${randomBytes(10).toString('hex')}`);

/**
 * Message ids that sort by creation time: `msg_` + a ULID (48-bit millisecond timestamp, 80
 * random bits, Crockford base32, 26 characters). Sorting by id is sorting by time, so a tenant's
 * listing and the database's primary-key index stay in insertion order without a second index.
 *
 * Monotonic within this process (the ULID spec's rule): ids made in the same millisecond, or
 * while the clock steps backwards (NTP), increment the previous one instead of drawing new
 * random bits, so they still sort in the order they were made.
 */
export class MessageIdGenerator {
  private lastTime = -1n;
  private lastRandom = 0n;

  constructor(private readonly random: RandomSource = secureRandom) {}

  next(nowMs: number): string {
    const now = BigInt(Math.trunc(nowMs));
    if (now < 0n || now > MAX_TIME) throw new RangeError(`timestamp out of range: ${nowMs}`);
    if (now > this.lastTime) {
      this.lastTime = now;
      this.lastRandom = this.random() & MAX_RANDOM;
    } else if (this.lastRandom < MAX_RANDOM) {
      this.lastRandom += 1n;
    } else {
      // 2^80 ids in one millisecond: move to the next millisecond rather than repeat an id.
      this.lastTime += 1n;
      this.lastRandom = this.random() & MAX_RANDOM;
    }
    return `${MESSAGE_ID_PREFIX}${encodeBase32(this.lastTime, 10)}${encodeBase32(this.lastRandom, 16)}`;
  }
}

function encodeBase32(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  for (let index = 0; index < length; index++) {
    out = CROCKFORD[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}
