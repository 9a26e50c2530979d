import { hash, randomUUID } from 'node:crypto';

export interface EventEnvelope {
  version: 1;
  eventId: string;
  occurredAt: string;
}

/** The envelope every new event starts with. `now` is injectable for tests. */
export function newEnvelope(now?: Date): EventEnvelope {
  return { version: 1, eventId: randomUUID(), occurredAt: isoTimeOf(now) };
}

/**
 * The envelope of an event caused by another one. Its id is derived from the cause, so when
 * Kafka redelivers the cause, the handler emits the very same event id again and every
 * consumer downstream (status history, accounting) recognises the duplicate.
 */
export function derivedEnvelope(causeEventId: string, purpose: string, now?: Date): EventEnvelope {
  return {
    version: 1,
    eventId: deterministicUuid(`${causeEventId}/${purpose}`),
    occurredAt: isoTimeOf(now),
  };
}

/**
 * `now.toISOString()` (the current time without `now`), written once per millisecond: the
 * events of a batch mostly share their time, and every event of every hop has one.
 */
function isoTimeOf(now: Date | undefined): string {
  const at = now === undefined ? Date.now() : now.getTime();
  if (at !== lastIsoAt) {
    // An invalid Date throws here, as toISOString always did.
    lastIso = (now ?? new Date(at)).toISOString();
    lastIsoAt = at;
  }
  return lastIso;
}

let lastIsoAt = Number.NaN;
let lastIso = '';

/**
 * A UUID (version 8, RFC 9562 "custom") computed from a name: same name, same id. The first
 * 16 bytes of the name's SHA-256, with the version nibble set to 8 and the variant bits to 10.
 * These ids are stored (status history, accounting) and must never change for a name.
 *
 * Works on the hex digest (the one-shot hash straight to a string is several times cheaper
 * than a Hash object and a Buffer, and this runs for most events of every message).
 */
export function deterministicUuid(name: string): string {
  const hex = hash('sha256', name, 'hex');
  // Byte 6 is hex[12..13]: its high nibble becomes the version, 8.
  // Byte 8 is hex[16..17]: its high nibble keeps 2 bits and gets the variant 10 (8, 9, a or b).
  const variant = VARIANT_NIBBLE[parseInt(hex[16], 16) & 0x3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const VARIANT_NIBBLE = ['8', '9', 'a', 'b'] as const;
