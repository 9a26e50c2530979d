import { createHash, randomUUID } from 'node:crypto';

export interface EventEnvelope {
  version: 1;
  eventId: string;
  occurredAt: string;
}

/** The envelope every new event starts with. `now` is injectable for tests. */
export function newEnvelope(now: Date = new Date()): EventEnvelope {
  return { version: 1, eventId: randomUUID(), occurredAt: now.toISOString() };
}

/**
 * The envelope of an event caused by another one. Its id is derived from the cause, so when
 * Kafka redelivers the cause, the handler emits the very same event id again and every
 * consumer downstream (status history, accounting) recognises the duplicate.
 */
export function derivedEnvelope(
  causeEventId: string,
  purpose: string,
  now: Date = new Date(),
): EventEnvelope {
  return {
    version: 1,
    eventId: deterministicUuid(`${causeEventId}/${purpose}`),
    occurredAt: now.toISOString(),
  };
}

/** A UUID (version 8, RFC 9562 "custom") computed from a name: same name, same id. */
export function deterministicUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
