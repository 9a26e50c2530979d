import { z } from 'zod';

import { defineTopic } from '../topic';
import { eventEnvelope } from './common';

/**
 * Where an event ends when its handler keeps failing or it cannot be read at all: kept with
 * the reason, never dropped. Operators replay from here after fixing the cause.
 */
export const deadLetterEvent = z.object({
  ...eventEnvelope,
  originalTopic: z.string(),
  originalKey: z.string().nullable(),
  consumerGroup: z.string(),
  reason: z.string(),
  attempts: z.int().min(1),
  /** The original record value, as text (it may not even be valid JSON). */
  payload: z.string(),
});
export type DeadLetterEvent = z.infer<typeof deadLetterEvent>;

export const DEAD_LETTER = defineTopic({
  name: 'sms.deadletter.v1',
  schema: deadLetterEvent,
  keyOf: (event) => event.originalKey ?? event.eventId,
  partitions: 3,
});
