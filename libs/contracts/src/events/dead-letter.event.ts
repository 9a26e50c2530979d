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

/**
 * The `errorCode` of the `failed` status that settles a message whose event on its way to a
 * carrier was dead-lettered (the dlr service's dead-letter settler): the message cannot move on
 * without an operator, and the tenant is told so instead of waiting for ever.
 */
export const DEAD_LETTERED = 'dead_lettered';

/**
 * The name of the error a connector throws when the carrier has the message, or some parts of
 * it, but the connector could not finish (sms.sent not published, parts still refused). The
 * dead letter's reason starts with it (`<name>: <message>`), and the settler leaves such a
 * message alone: it is not `failed`, the carrier may deliver it.
 */
export const CARRIER_HAS_IT_ERROR = 'CarrierHasItError';
