import { randomUUID } from 'node:crypto';

/** The envelope every new event starts with. `now` is injectable for tests. */
export function newEnvelope(now: Date = new Date()): {
  version: 1;
  eventId: string;
  occurredAt: string;
} {
  return { version: 1, eventId: randomUUID(), occurredAt: now.toISOString() };
}
