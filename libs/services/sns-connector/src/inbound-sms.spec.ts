import { inboundSmsEventOf } from './inbound-sms';

const NOW = new Date('2026-11-29T12:00:00.000Z');

const SMS = {
  originationNumber: '+38267123456',
  destinationNumber: '+18005550199',
  messageKeyword: 'STOP',
  messageBody: 'STOP please',
  inboundMessageId: 'cae173d2-66b9-564c-8309-21f858e9fb84',
  previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** The SQS body of an SNS notification carrying `message`. */
function notification(message: string, timestamp = '2026-11-29T11:59:58.123Z'): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:two-way',
    Message: message,
    Timestamp: timestamp,
  });
}

describe(inboundSmsEventOf.name, () => {
  it('reads the inbound SMS inside an SNS notification, received when SNS published it', () => {
    expect(inboundSmsEventOf('aws-a', notification(JSON.stringify(SMS)), NOW)).toEqual({
      ok: true,
      event: expect.objectContaining({
        version: 1,
        carrierId: 'aws-a',
        source: '+38267123456',
        destination: '+18005550199',
        text: 'STOP please',
        receivedAt: '2026-11-29T11:59:58.123Z',
        occurredAt: NOW.toISOString(),
      }),
    });
  });

  it('reads one delivered raw (no envelope) as the same event, received now', () => {
    const enveloped = inboundSmsEventOf('aws-a', notification(JSON.stringify(SMS)), NOW);
    const raw = inboundSmsEventOf('aws-a', JSON.stringify(SMS), NOW);
    expect(raw).toMatchObject({ ok: true, event: { receivedAt: NOW.toISOString() } });
    expect(raw.ok && enveloped.ok && raw.event.eventId === enveloped.event.eventId).toBe(true);
  });

  it('gives each carrier and inbound message id its own event id', () => {
    const idOf = (carrierId: string, inboundMessageId: string) => {
      const read = inboundSmsEventOf(carrierId, JSON.stringify({ ...SMS, inboundMessageId }), NOW);
      return read.ok ? read.event.eventId : undefined;
    };
    const ids = new Set([idOf('aws-a', 'one'), idOf('aws-a', 'two'), idOf('aws-b', 'one')]);
    expect(ids.size).toBe(3);
    expect(idOf('aws-a', 'one')).toBe(idOf('aws-a', 'one'));
  });

  it.each([
    ['not JSON', 'hello', 'the body is not a JSON object'],
    ['a JSON array', '[1,2]', 'the body is not a JSON object'],
    ['a notification whose Message is not JSON', notification('hi'), 'the notification Message'],
    [
      'another kind of notification',
      notification('{"eventType":"SMS_DELIVERED"}'),
      'not an inbound SMS',
    ],
    [
      'an empty inbound message id',
      JSON.stringify({ ...SMS, inboundMessageId: '' }),
      'not an inbound SMS',
    ],
    [
      'a number longer than an address',
      JSON.stringify({ ...SMS, originationNumber: '+'.padEnd(30, '1') }),
      'source',
    ],
  ])('refuses %s, saying why', (_case, body, reason) => {
    const read = inboundSmsEventOf('aws-a', body, NOW);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.reason).toContain(reason);
  });
});
