import {
  SMS_OUTBOUND,
  SMS_STATUS,
  SMS_SUBMITTED,
  TOPICS,
  derivedEnvelope,
  newEnvelope,
  physicalTopicOf,
  retryTopicFor,
  statusRank,
  topicForPhysicalName,
  laneOfPhysicalTopic,
  outboundTopicsFor,
  physicalTopicsOf,
  SMS_ACCEPTED,
  type SmsOutboundEvent,
} from './index';

const message = {
  messageId: 'msg_1',
  tenantId: 'acme',
  destination: '+38267123456',
  source: 'TuxHat',
  text: 'Your code is 123456',
  encoding: 'gsm7' as const,
  parts: 1,
  acceptedAt: '2026-11-25T10:00:00.000Z',
};

describe('topic registry', () => {
  it('names every topic once, versioned', () => {
    const names = TOPICS.map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/\.v\d+$/);
  });

  it('keys submitted events by tenant so one policy consumer owns a tenant', () => {
    const event = { ...newEnvelope(), message };
    expect(SMS_SUBMITTED.keyOf(event)).toBe('acme');
  });

  it('sends outbound events to one physical topic per carrier and maps it back', () => {
    const event: SmsOutboundEvent = {
      ...newEnvelope(),
      message,
      carrierId: 'telco-a',
      routeId: 'default',
      attempt: 1,
    };
    const physical = physicalTopicOf(SMS_OUTBOUND, event);
    expect(physical).toBe('sms.outbound.v1.telco-a');
    expect(topicForPhysicalName(physical)).toBe(SMS_OUTBOUND);
    expect(topicForPhysicalName('sms.status.v1')).toBe(SMS_STATUS);
    expect(topicForPhysicalName('nope.v1')).toBeUndefined();
  });

  it('puts each class of service in its own lane, the default lane under the plain name', () => {
    const submitted = (priority?: 'otp' | 'transactional' | 'bulk') =>
      physicalTopicOf(SMS_SUBMITTED, { ...newEnvelope(), message: { ...message, priority } });
    expect(submitted('otp')).toBe('sms.submitted.v1.otp');
    expect(submitted('bulk')).toBe('sms.submitted.v1.bulk');
    expect(submitted('transactional')).toBe('sms.submitted.v1');
    expect(submitted(undefined)).toBe('sms.submitted.v1');
    expect(physicalTopicsOf(SMS_ACCEPTED)).toEqual([
      'sms.accepted.v1.otp',
      'sms.accepted.v1',
      'sms.accepted.v1.bulk',
    ]);
    expect(physicalTopicsOf(SMS_STATUS)).toEqual(['sms.status.v1']);
  });

  it('maps every lane topic back to its logical topic and lane', () => {
    const outbound: SmsOutboundEvent = {
      ...newEnvelope(),
      message: { ...message, priority: 'otp' },
      carrierId: 'telco-a',
      routeId: 'default',
      attempt: 1,
    };
    expect(physicalTopicOf(SMS_OUTBOUND, outbound)).toBe('sms.outbound.v1.telco-a.otp');
    expect(outboundTopicsFor('telco-a')).toEqual([
      'sms.outbound.v1.telco-a.otp',
      'sms.outbound.v1.telco-a',
      'sms.outbound.v1.telco-a.bulk',
    ]);
    expect(topicForPhysicalName('sms.submitted.v1.bulk')).toBe(SMS_SUBMITTED);
    expect(laneOfPhysicalTopic('sms.submitted.v1.bulk')).toBe('bulk');
    expect(laneOfPhysicalTopic('sms.outbound.v1.telco-a.otp')).toBe('otp');
    expect(laneOfPhysicalTopic('sms.outbound.v1.telco-a')).toBe('transactional');
    // A carrier may be called "otp": its default-lane topic is not mistaken for a lane.
    expect(laneOfPhysicalTopic('sms.outbound.v1.otp')).toBe('transactional');
    expect(laneOfPhysicalTopic('sms.outbound.v1.otp.bulk')).toBe('bulk');
    // Topics without lanes are never split, whatever their suffix.
    expect(topicForPhysicalName('sms.status.v1.otp')).toBeUndefined();
    expect(laneOfPhysicalTopic('sms.status.v1')).toBe('transactional');
  });

  it('gives each consumer group its own retry topic', () => {
    expect(retryTopicFor('policy')).not.toBe(retryTopicFor('routing'));
  });
});

describe('event schemas', () => {
  it('accept a well-formed event', () => {
    const event = { ...newEnvelope(), message };
    expect(SMS_SUBMITTED.schema.parse(event)).toEqual(event);
  });

  it.each([
    ['a destination that is not E.164', { ...message, destination: '067123456' }],
    ['zero parts', { ...message, parts: 0 }],
    ['an unknown encoding', { ...message, encoding: 'latin9' }],
    ['empty text', { ...message, text: '' }],
  ])('reject %s', (_case, bad) => {
    expect(SMS_SUBMITTED.schema.safeParse({ ...newEnvelope(), message: bad }).success).toBe(false);
  });

  it('reject an unknown schema version', () => {
    const event = { ...newEnvelope(), version: 2, message };
    expect(SMS_SUBMITTED.schema.safeParse(event).success).toBe(false);
  });

  it('reject a status outside the lifecycle', () => {
    const event = {
      ...newEnvelope(),
      messageId: 'm',
      tenantId: 't',
      status: 'teleported',
      source: 'x',
    };
    expect(SMS_STATUS.schema.safeParse(event).success).toBe(false);
  });
});

describe(statusRank.name, () => {
  it('never lets a late "sent" overwrite a final state', () => {
    expect(statusRank('delivered')).toBeGreaterThan(statusRank('sent'));
    expect(statusRank('sent')).toBeGreaterThan(statusRank('routed'));
    expect(statusRank('routed')).toBeGreaterThan(statusRank('accepted'));
  });
});

describe('derived event ids', () => {
  it('are stable for the same cause and purpose, and valid UUIDs', () => {
    const a = derivedEnvelope('cause-1', 'status');
    const b = derivedEnvelope('cause-1', 'status');
    const c = derivedEnvelope('cause-1', 'outbound');
    expect(a.eventId).toBe(b.eventId);
    expect(a.eventId).not.toBe(c.eventId);
    expect(SMS_STATUS.schema.shape.eventId.safeParse(a.eventId).success).toBe(true);
  });
});
