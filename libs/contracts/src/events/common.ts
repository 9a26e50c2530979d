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

/**
 * Class of service. Each travels in its own lane so a bulk campaign never delays an OTP;
 * a message without one is `transactional`.
 */
export const PRIORITY_CLASSES = ['otp', 'transactional', 'bulk'] as const;
export const priorityClass = z.enum(PRIORITY_CLASSES);
export type PriorityClass = z.infer<typeof priorityClass>;
export const DEFAULT_PRIORITY_CLASS: PriorityClass = 'transactional';

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
  /** Absent means `transactional` (DEFAULT_PRIORITY_CLASS). */
  priority: priorityClass.optional(),
  /** The carrier may drop the message after this; without a final receipt by then (plus grace) it expires. */
  validUntil: z.iso.datetime({ offset: true }).optional(),
  /** Not to be sent before this: the policy holds the message until then. */
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
  /** Per-message DLR path override: status callbacks go here instead of the tenant's default. */
  callbackUrl: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  /** Tenant-defined labels, echoed in callbacks and accounting records. */
  metadata: z.record(z.string().max(64), z.string().max(256)).optional(),
});
export type MessageFields = z.infer<typeof messageFields>;
