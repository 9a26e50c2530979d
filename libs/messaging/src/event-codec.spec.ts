import { SMS_OUTBOUND, SMS_STATUS, type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';

import { BusHeaders, type IncomingRecord } from './bus-record';
import {
  decodeRecord,
  encodeEvent,
  publishValidationFrom,
  setPublishValidation,
} from './event-codec';
import { InProcessBroker } from './in-process/in-process.broker';

function outbound(): SmsOutboundEvent {
  return {
    ...newEnvelope(),
    message: {
      messageId: 'msg_codec_1',
      tenantId: 'acme',
      destination: '+38267123456',
      source: 'TuxHat',
      text: 'Your code is 123456',
      encoding: 'gsm7',
      parts: 1,
      acceptedAt: new Date().toISOString(),
      clientReference: undefined,
      metadata: { campaign: 'x' },
    },
    carrierId: 'telco-a',
    routeId: 'route-1',
    attempt: 1,
    triedCarriers: ['telco-b'],
  };
}

/** What a consumer gets from the in-process broker. */
function deliver(record: ReturnType<typeof encodeEvent>): IncomingRecord {
  const broker = new InProcessBroker();
  const received: IncomingRecord[] = [];
  broker.subscribe(record.topic, { enqueue: (incoming) => received.push(incoming) });
  broker.publish([record]);
  return received[0];
}

describe(encodeEvent.name, () => {
  it('writes exactly the JSON of the validated event (Kafka values do not change)', () => {
    const event = { ...outbound(), unknownField: 'dropped by the schema' };
    const record = encodeEvent(SMS_OUTBOUND, event, { traceparent: 'x' });
    expect(record.topic).toBe('sms.outbound.v1.telco-a');
    expect(record.key).toBe('msg_codec_1');
    expect(record.headers).toEqual({ traceparent: 'x' });
    expect(record.value.toString()).toBe(JSON.stringify(SMS_OUTBOUND.schema.parse(event)));
    expect(record.value).toBe(record.value); // written once
  });

  it('fails at the producer on an invalid event', () => {
    expect(() => encodeEvent(SMS_OUTBOUND, { ...outbound(), attempt: 0 })).toThrow();
  });

  describe('sampled validation', () => {
    afterEach(() => setPublishValidation('all'));

    it('validates the first events of a topic, then one in 256, and copies the others', () => {
      setPublishValidation('sampled');
      const invalid = { ...outbound(), attempt: 0 };
      for (let n = 0; n < 16; n++) expect(() => encodeEvent(SMS_OUTBOUND, invalid)).toThrow();
      const failures = Array.from({ length: 512 }, () => {
        try {
          encodeEvent(SMS_OUTBOUND, invalid);
          return false;
        } catch {
          return true;
        }
      });
      expect(failures.filter(Boolean)).toHaveLength(2);

      const event = outbound();
      const record = encodeEvent(SMS_OUTBOUND, event);
      expect(record.key).toBe('msg_codec_1');
      expect(record.topic).toBe('sms.outbound.v1.telco-a');
      expect(JSON.parse(record.value.toString())).toEqual(SMS_OUTBOUND.schema.parse(event));
      const decoded = decodeRecord(deliver(record));
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(Object.isFrozen((decoded.event as SmsOutboundEvent).message)).toBe(true);
      expect(Object.isFrozen(event.message)).toBe(false);
    });

    it('is sampled by default only in production, and says so when misconfigured', () => {
      expect(publishValidationFrom({ NODE_ENV: 'production' })).toBe('sampled');
      expect(publishValidationFrom({ NODE_ENV: 'test' })).toBe('all');
      expect(publishValidationFrom({ NODE_ENV: 'production', BUS_VALIDATE_PUBLISHED: 'all' })).toBe(
        'all',
      );
      expect(() => publishValidationFrom({ BUS_VALIDATE_PUBLISHED: 'never' })).toThrow(
        /BUS_VALIDATE_PUBLISHED/,
      );
    });
  });
});

describe(decodeRecord.name, () => {
  it('hands in-process consumers the validated event itself: frozen, shaped like its JSON', () => {
    const record = encodeEvent(SMS_OUTBOUND, outbound());
    const decoded = decodeRecord(deliver(record));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.topic).toBe(SMS_OUTBOUND);
    expect(decoded.attempt).toBe(1);
    expect(decoded.event).toEqual(JSON.parse(record.value.toString()));
    const event = decoded.event as SmsOutboundEvent;
    expect(Object.keys(event.message)).not.toContain('clientReference');
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.message)).toBe(true);
    expect(Object.isFrozen(event.message.metadata)).toBe(true);
    expect(Object.isFrozen(event.triedCarriers)).toBe(true);
    expect(() => {
      (event.message as { text: string }).text = 'changed';
    }).toThrow(TypeError);
  });

  it('validates what arrives as bytes (Kafka, or a plain record) and freezes it too', () => {
    const bytes = encodeEvent(SMS_STATUS, {
      ...newEnvelope(),
      messageId: 'msg_1',
      tenantId: 'acme',
      status: 'sent',
      source: 'test',
    }).value;
    const plain = (value: Buffer, headers: Record<string, string> = {}): IncomingRecord => ({
      topic: SMS_STATUS.name,
      partition: 0,
      offset: '7',
      key: 'msg_1',
      value,
      headers,
    });
    const decoded = decodeRecord(plain(bytes, { [BusHeaders.attempt]: '3' }));
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.attempt).toBe(3);
    expect(Object.isFrozen(decoded.event)).toBe(true);

    const invalid = decodeRecord(plain(Buffer.from('{"version":1}')));
    expect(invalid.ok).toBe(false);
    expect(decodeRecord(plain(Buffer.from('not json'))).ok).toBe(false);
  });
});
