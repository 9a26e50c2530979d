import { type MessageFields, type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';

/** A one-part GSM-7 message of acme's, as the messaging tests publish it; fields as given. */
export function testMessageFields(
  messageId: string,
  overrides: Partial<MessageFields> = {},
): MessageFields {
  return {
    messageId,
    tenantId: 'acme',
    destination: '+38267000111',
    source: 'TuxHat',
    text: 'Your code is 123456',
    encoding: 'gsm7',
    parts: 1,
    acceptedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** An outbound event for `carrierId` (its first attempt, route `default`). */
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
    message: testMessageFields(messageId, overrides),
  };
}
