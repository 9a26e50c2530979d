import {
  type DeadLetterEvent,
  SMS_ACCEPTED,
  SMS_SENT,
  type SmsSentEvent,
  deterministicUuid,
  newEnvelope,
  smsStatusEvent,
} from '@tuxhat/contracts';

import type { StoredMessage } from './dead-letter-settlement';
import {
  type DeadLetteredSent,
  deadLetteredSentOf,
  sentStatusOf,
  verdictOnSent,
} from './dead-lettered-sent';

const sentEvent: SmsSentEvent = {
  ...newEnvelope(),
  messageId: 'm-1',
  tenantId: 'acme',
  carrierId: 'telco-a',
  routeId: 'default',
  parts: [
    { partIndex: 0, carrierMessageId: 'c-0' },
    { partIndex: 1, carrierMessageId: 'c-1' },
  ],
};

function deadLetter(payload: unknown, overrides: Partial<DeadLetterEvent> = {}): DeadLetterEvent {
  return {
    ...newEnvelope(),
    originalTopic: SMS_SENT.name,
    originalKey: 'm-1',
    consumerGroup: 'dlr',
    reason: 'Error: invalid byte sequence for encoding "UTF8": 0x00',
    attempts: 6,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    ...overrides,
  };
}

const stored = (overrides: Partial<StoredMessage> = {}): StoredMessage => ({
  tenantId: 'acme',
  status: 'routed',
  atCarrier: false,
  ...overrides,
});

describe(deadLetteredSentOf.name, () => {
  it('reads a valid sms.sent whole: its carrier ids can be recorded', () => {
    const letter = deadLetter(sentEvent);
    expect(deadLetteredSentOf(letter)).toEqual({
      messageId: 'm-1',
      tenantId: 'acme',
      carrierId: 'telco-a',
      routeId: 'default',
      partCount: 2,
      event: sentEvent,
      // The id the dlr's own sms.sent handler gives the `sent` status: a replay adds none.
      statusEventId: deterministicUuid(`${sentEvent.eventId}/status`),
      deadLetter: letter,
    });
  });

  it('reads what it can of an sms.sent that did not match its schema, recording no carrier ids', () => {
    const payload = {
      ...sentEvent,
      parts: [{ partIndex: 0, carrierMessageId: 'x'.repeat(80) }],
    };
    expect(deadLetteredSentOf(deadLetter(payload, { attempts: 1 }))).toMatchObject({
      messageId: 'm-1',
      tenantId: 'acme',
      carrierId: 'telco-a',
      routeId: 'default',
      partCount: 1,
      event: undefined,
    });
  });

  it('takes no carrier, route, parts or tenant the payload does not give as they must be', () => {
    const payload = { messageId: 'm-1', carrierId: 'Not A Slug', routeId: '', parts: [] };
    expect(deadLetteredSentOf(deadLetter(payload))).toMatchObject({
      messageId: 'm-1',
      tenantId: undefined,
      carrierId: undefined,
      routeId: undefined,
      partCount: undefined,
      event: undefined,
      statusEventId: deterministicUuid('dead-lettered-sent:m-1/status'),
    });
  });

  it.each([
    ['not JSON', '{"messageId": '],
    ['no message id', { ...sentEvent, messageId: undefined }],
    ['an empty id', { ...sentEvent, messageId: '' }],
    ['a numeric id', { ...sentEvent, messageId: 7 }],
    ['an array', [sentEvent]],
  ])('names no message: %s', (_case, payload) => {
    expect(deadLetteredSentOf(deadLetter(payload))).toBeUndefined();
  });

  it.each([SMS_ACCEPTED.name, 'sms.status.v1', 'sms.dlr.raw.v1', 'tuxhat.retry.v1.dlr'])(
    'is about sms.sent only, not %s',
    (originalTopic) => {
      expect(deadLetteredSentOf(deadLetter(sentEvent, { originalTopic }))).toBeUndefined();
    },
  );
});

describe(verdictOnSent.name, () => {
  const sent = deadLetteredSentOf(deadLetter(sentEvent)) as DeadLetteredSent;

  it('records what the sms.sent would have for a message still open', () => {
    for (const status of ['accepted', 'routed', 'sent'] as const) {
      expect(verdictOnSent(sent, stored({ status }))).toBe('record');
    }
    expect(verdictOnSent(sent, stored({ atCarrier: true }))).toBe('record');
    expect(verdictOnSent({ ...sent, tenantId: undefined }, stored())).toBe('record');
  });

  it('leaves a final message alone: a receipt, an expiry or a copy of this dead letter ended it', () => {
    for (const status of ['failed', 'delivered', 'undeliverable', 'expired', 'unknown'] as const) {
      expect(verdictOnSent(sent, stored({ status }))).toBe('final');
    }
  });

  it("touches no message that is not there, or is another tenant's", () => {
    expect(verdictOnSent(sent, undefined)).toBe('unknown');
    expect(verdictOnSent(sent, stored({ tenantId: 'other' }))).toBe('unknown');
  });
});

describe(sentStatusOf.name, () => {
  const now = new Date('2027-01-02T03:04:05.000Z');
  const sent = deadLetteredSentOf(deadLetter(sentEvent)) as DeadLetteredSent;

  it('reports `sent` from the carrier, naming the dead letter', () => {
    const status = sentStatusOf(sent, stored(), now);
    expect(smsStatusEvent.parse(status)).toEqual(status);
    expect(status).toMatchObject({
      eventId: sent.statusEventId,
      occurredAt: now.toISOString(),
      messageId: 'm-1',
      tenantId: 'acme',
      status: 'sent',
      source: 'dlr',
      carrierId: 'telco-a',
      routeId: 'default',
    });
    expect(status?.detail).toMatch(
      /^carrier telco-a accepted it; its sms\.sent was dead-lettered by dlr after 6 attempt\(s\), so it ends by its receipt or its expiry: Error: invalid byte sequence/,
    );
  });

  it('is the same event whenever it is made: a copy of the dead letter publishes no second one', () => {
    const again = deadLetteredSentOf(deadLetter(sentEvent)) as DeadLetteredSent;
    expect(sentStatusOf(again, stored(), new Date())?.eventId).toBe(
      sentStatusOf(sent, stored(), now)?.eventId,
    );
  });

  it('adds nothing to a message that has reached `sent`', () => {
    expect(sentStatusOf(sent, stored({ status: 'sent' }), now)).toBeUndefined();
  });

  it('names no carrier it does not know, and fits a long reason', () => {
    const unnamed = { ...sent, carrierId: undefined, routeId: undefined };
    const status = sentStatusOf(
      { ...unnamed, deadLetter: { ...sent.deadLetter, reason: 'x'.repeat(2_000) } },
      stored(),
      now,
    );
    expect(smsStatusEvent.parse(status)).toEqual(status);
    expect(status).not.toHaveProperty('carrierId');
    expect(status).not.toHaveProperty('routeId');
    expect(status?.detail).toMatch(/^the carrier accepted it/);
    expect(status?.detail).toHaveLength(512);
  });
});
