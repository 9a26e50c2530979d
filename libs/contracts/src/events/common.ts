import { z } from 'zod';

import { MESSAGE_STATUSES } from '../message-status';

/** Every event carries these: the schema version, a unique id (consumers de-duplicate on it), and when it happened. */
export const eventEnvelope = {
  version: z.literal(1),
  eventId: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
};

export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 number, e.g. +38267123456');
export const messageId = z.string().min(1).max(64);
export const tenantId = z.string().min(1).max(64);
export const carrierId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'carrier id (lowercase slug)');
export const messageStatus = z.enum(MESSAGE_STATUSES);
export const textEncoding = z.enum(['gsm7', 'ucs2']);

/** The message as it travels the pipeline, so no hop needs a database read to act on it. */
export const messageFields = z.object({
  messageId,
  tenantId,
  destination: e164,
  source: z.string().min(1).max(16),
  text: z.string().min(1),
  encoding: textEncoding,
  parts: z.int().min(1),
  clientReference: z.string().max(128).optional(),
  acceptedAt: z.iso.datetime({ offset: true }),
});
export type MessageFields = z.infer<typeof messageFields>;
