import { randomUUID } from 'node:crypto';

import { type MessageFields, type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';

/**
 * A message as it travels the pipeline (the `message` of sms.accepted, sms.outbound...): a
 * unique id, tenant `acme`, a one-part GSM-7 text, accepted now. Tests override what they are
 * about (tenant, destination, text, priority...).
 */
export function testMessage(overrides: Partial<MessageFields> = {}): MessageFields {
  return {
    messageId: `msg-${randomUUID()}`,
    tenantId: 'acme',
    destination: '+38267123456',
    source: 'ACME',
    text: 'Your code is 123456',
    encoding: 'gsm7',
    parts: 1,
    acceptedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A testMessage on its way to `carrierId`: its first attempt, route `default`. */
export function testOutboundEvent(
  carrierId: string,
  messageId: string,
  overrides: Partial<MessageFields> = {},
): SmsOutboundEvent {
  return {
    ...newEnvelope(),
    carrierId,
    routeId: 'default',
    attempt: 1,
    message: testMessage({ messageId, ...overrides }),
  };
}
