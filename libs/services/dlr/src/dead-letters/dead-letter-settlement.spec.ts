import {
  DEAD_LETTER,
  type DeadLetterEvent,
  SMS_ACCEPTED,
  SMS_DLR_RAW,
  SMS_OUTBOUND,
  SMS_REROUTE,
  SMS_SENT,
  SMS_STATUS,
  SMS_SUBMITTED,
  newEnvelope,
  smsStatusEvent,
} from '@tuxhat/contracts';

import {
  type StoredMessage,
  type StrandedMessage,
  settlementOf,
  strandedMessageOf,
  verdictOn,
} from './dead-letter-settlement';

const message = { messageId: 'm-1', tenantId: 'acme', text: 'hi' };

function deadLetter(overrides: Partial<DeadLetterEvent> = {}): DeadLetterEvent {
  return {
    ...newEnvelope(),
    originalTopic: SMS_ACCEPTED.name,
    originalKey: 'm-1',
    consumerGroup: 'routing',
    reason: 'Error: routing config unreadable',
    attempts: 6,
    payload: JSON.stringify({ ...newEnvelope(), message }),
    ...overrides,
  };
}

describe(strandedMessageOf.name, () => {
  it.each([
    ['sms.submitted.v1', 'policy'],
    ['sms.submitted.v1.otp', 'policy'],
    ['sms.accepted.v1.bulk', 'routing'],
    ['sms.reroute.v1', 'routing'],
    [`${SMS_OUTBOUND.name}.sim`, 'smpp-connector'],
    [`${SMS_OUTBOUND.name}.sim.otp`, 'smpp-connector.shard-a'],
  ])('strands the message of an event on %s (%s)', (originalTopic, consumerGroup) => {
    const letter = deadLetter({ originalTopic, consumerGroup });
    expect(strandedMessageOf(letter)).toEqual({
      messageId: 'm-1',
      tenantId: 'acme',
      deadLetter: letter,
    });
  });

  it.each([
    [SMS_STATUS.name, 'accounting'],
    [SMS_STATUS.name, 'dlr'],
    [SMS_STATUS.name, 'ingress'],
    [SMS_SENT.name, 'dlr'],
    [SMS_DLR_RAW.name, 'dlr'],
    [DEAD_LETTER.name, 'dlr'],
    ['tuxhat.retry.v1.routing', 'routing'],
    ['something.else.v1', 'routing'],
  ])('strands nothing on %s (%s)', (originalTopic, consumerGroup) => {
    expect(strandedMessageOf(deadLetter({ originalTopic, consumerGroup }))).toBeUndefined();
  });

  it('leaves a message whose carrier has it, as the connector says', () => {
    const letter = deadLetter({
      originalTopic: `${SMS_OUTBOUND.name}.sim`,
      consumerGroup: 'smpp-connector',
      reason: 'CarrierHasItError: carrier sim took 1 of 3 parts of message m-1',
    });
    expect(strandedMessageOf(letter)).toBeUndefined();
  });

  it('finds the message of a record that did not match its schema', () => {
    const letter = deadLetter({
      originalTopic: SMS_SUBMITTED.name,
      reason: 'schema: message.destination: Invalid string',
      attempts: 1,
      payload: JSON.stringify({ message: { messageId: 'm-2', destination: 42 } }),
    });
    expect(strandedMessageOf(letter)).toMatchObject({ messageId: 'm-2', tenantId: undefined });
  });

  it.each([
    ['not JSON', '{"message": {"messageId": '],
    ['no message', JSON.stringify({ messageId: 'm-1' })],
    ['an empty id', JSON.stringify({ message: { messageId: '' } })],
    ['a numeric id', JSON.stringify({ message: { messageId: 7 } })],
    ['an array', JSON.stringify([{ message }])],
  ])('strands nothing it can name: %s', (_case, payload) => {
    expect(strandedMessageOf(deadLetter({ payload }))).toBeUndefined();
  });
});

describe(verdictOn.name, () => {
  const stranded: StrandedMessage = {
    messageId: 'm-1',
    tenantId: 'acme',
    deadLetter: deadLetter(),
  };
  const stored = (overrides: Partial<StoredMessage> = {}): StoredMessage => ({
    tenantId: 'acme',
    status: 'routed',
    atCarrier: false,
    ...overrides,
  });

  it('settles a message not yet at a carrier', () => {
    expect(verdictOn(stranded, stored({ status: 'accepted' }))).toBe('settle');
    expect(verdictOn(stranded, stored({ status: 'routed' }))).toBe('settle');
    expect(verdictOn({ ...stranded, tenantId: undefined }, stored())).toBe('settle');
  });

  it('leaves a message that is final already: a second copy settles nothing', () => {
    for (const status of ['failed', 'delivered', 'rejected', 'expired', 'unknown'] as const) {
      expect(verdictOn(stranded, stored({ status }))).toBe('final');
    }
  });

  it('leaves a message a carrier has', () => {
    expect(verdictOn(stranded, stored({ status: 'sent' }))).toBe('at-carrier');
    expect(verdictOn(stranded, stored({ status: 'routed', atCarrier: true }))).toBe('at-carrier');
  });

  it("settles nothing for a message that is not there, or is another tenant's", () => {
    expect(verdictOn(stranded, undefined)).toBe('unknown');
    expect(verdictOn(stranded, stored({ tenantId: 'other' }))).toBe('unknown');
  });
});

describe(settlementOf.name, () => {
  const now = new Date('2027-01-02T03:04:05.000Z');

  it('fails the message with dead_lettered, naming the group, the topic and the cause', () => {
    const letter = deadLetter();
    const status = settlementOf(
      { messageId: 'm-1', tenantId: 'acme', deadLetter: letter },
      'acme',
      now,
    );
    expect(smsStatusEvent.parse(status)).toEqual(status);
    expect(status).toMatchObject({
      messageId: 'm-1',
      tenantId: 'acme',
      status: 'failed',
      errorCode: 'dead_lettered',
      source: 'dlr',
      occurredAt: now.toISOString(),
      detail:
        'dead-lettered by routing on sms.accepted.v1 after 6 attempt(s): Error: routing config unreadable',
    });
  });

  it('is one event per message, whichever dead letter settles it', () => {
    const first = settlementOf(
      { messageId: 'm-1', tenantId: 'acme', deadLetter: deadLetter() },
      'acme',
      now,
    );
    const second = settlementOf(
      {
        messageId: 'm-1',
        tenantId: 'acme',
        deadLetter: deadLetter({ originalTopic: SMS_REROUTE.name }),
      },
      'acme',
      new Date(),
    );
    const other = settlementOf(
      { messageId: 'm-2', tenantId: 'acme', deadLetter: deadLetter() },
      'acme',
      now,
    );
    expect(second.eventId).toBe(first.eventId);
    expect(other.eventId).not.toBe(first.eventId);
  });

  it('fits a long reason into the history', () => {
    const status = settlementOf(
      { messageId: 'm-1', tenantId: 'acme', deadLetter: deadLetter({ reason: 'x'.repeat(2_000) }) },
      'acme',
      now,
    );
    expect(status.detail).toHaveLength(512);
  });
});
