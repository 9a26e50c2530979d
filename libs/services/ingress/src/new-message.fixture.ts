import { randomUUID } from 'node:crypto';

import type { NewMessage } from './submission.repository';

let sequence = 0;

/**
 * Test data: a message as ingress writes it (tenant `acme`, one GSM-7 part, no options,
 * accepted now, a unique id and event id). Tests override what they are about.
 */
export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  sequence += 1;
  return {
    id: `msg_test_${sequence}`,
    tenantId: 'acme',
    destination: '+38267123456',
    source: 'TuxHat',
    body: 'hi',
    encoding: 'gsm7',
    parts: 1,
    clientReference: null,
    priority: 'transactional',
    validUntil: null,
    scheduledAt: null,
    callbackUrl: null,
    metadata: null,
    createdAt: new Date().toISOString(),
    acceptedEventId: randomUUID(),
    acceptedDetail: 'received via test',
    parked: false,
    ...overrides,
  };
}
