import { type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';

/** A `sent` status of acme's message, keyed by its id; `detail` steers a test's handler. */
export function statusEvent(messageId: string, detail?: string): SmsStatusEvent {
  return {
    ...newEnvelope(),
    messageId,
    tenantId: 'acme',
    status: 'sent',
    source: 'test',
    ...(detail ? { detail } : {}),
  };
}
