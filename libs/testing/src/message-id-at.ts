import { randomInt } from 'node:crypto';

import { CROCKFORD_BASE32, MESSAGE_ID_PREFIX, ulidTime } from '@tuxhat/contracts';

/** A message id as ingress makes it at `at`: `msg_` + the ULID time + 80 random bits. */
export function messageIdAt(at: Date | number): string {
  const random = Array.from({ length: 16 }, () => CROCKFORD_BASE32[randomInt(32)]).join('');
  return `${MESSAGE_ID_PREFIX}${ulidTime(typeof at === 'number' ? at : at.getTime())}${random}`;
}
