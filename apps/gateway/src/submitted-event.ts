import { type SmsSubmittedEvent, messageFields, priorityClass } from '@tuxhat/contracts';
import type { Message } from '@tuxhat/database';

const messageMetadata = messageFields.shape.metadata.unwrap();

/** What sms.submitted needs of a stored message. */
export type StoredSubmission = Pick<
  Message,
  | 'id'
  | 'tenantId'
  | 'destination'
  | 'source'
  | 'body'
  | 'encoding'
  | 'parts'
  | 'clientReference'
  | 'createdAt'
  | 'priority'
  | 'validUntil'
  | 'scheduledAt'
  | 'callbackUrl'
  | 'metadata'
>;

/**
 * A stored message as sms.submitted again, for the messages the gateway publishes from the
 * database (re-driven at boot, parked by ingress): everything the tenant asked for travels
 * again (class and lane, validity, schedule, DLR path, metadata).
 */
export function submittedEventOf(message: StoredSubmission, eventId: string): SmsSubmittedEvent {
  return {
    version: 1,
    eventId,
    occurredAt: new Date().toISOString(),
    message: {
      messageId: message.id,
      tenantId: message.tenantId,
      destination: message.destination,
      source: message.source,
      text: message.body,
      encoding: message.encoding as 'gsm7' | 'ucs2',
      parts: message.parts,
      ...(message.clientReference ? { clientReference: message.clientReference } : {}),
      acceptedAt: message.createdAt.toISOString(),
      priority: priorityClass.parse(message.priority),
      ...(message.validUntil ? { validUntil: message.validUntil.toISOString() } : {}),
      ...(message.scheduledAt ? { scheduledAt: message.scheduledAt.toISOString() } : {}),
      ...(message.callbackUrl ? { callbackUrl: message.callbackUrl } : {}),
      ...(message.metadata ? { metadata: messageMetadata.parse(message.metadata) } : {}),
    },
  };
}
