import { DEAD_LETTER, SMS_ACCEPTED } from '@tuxhat/contracts';

import type { IncomingRecord } from '../bus-record';
import { decodeRecord } from '../event-codec';
import { MAX_DEAD_LETTER_PAYLOAD, deadLetterRecord, retryRecord } from './failure-records';

describe(deadLetterRecord.name, () => {
  const original: IncomingRecord = {
    topic: 'sms.accepted.v1',
    partition: 0,
    offset: '7',
    key: 'acme',
    value: Buffer.from('{"not":"an accepted event"}'),
    headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  };

  it('is read as a dead letter after retries, not as an event of its original topic', () => {
    const retried = retryRecord(original, 'tuxhat.retry.v1.routing', 2, 50, 'boom', 0);
    const incoming: IncomingRecord = {
      ...retried,
      partition: 0,
      offset: '1',
      value: retried.value,
    };
    const letter = deadLetterRecord(incoming, 'routing', 'boom', 2);
    expect(letter.topic).toBe(DEAD_LETTER.name);
    // The trace goes on; the retry path's bookkeeping stays behind (the fields say it).
    expect(letter.headers).toEqual({ traceparent: original.headers.traceparent });
    const decoded = decodeRecord({
      topic: letter.topic,
      partition: 0,
      offset: '0',
      key: letter.key,
      value: letter.value,
      headers: letter.headers,
    });
    expect(decoded).toMatchObject({ ok: true, topic: DEAD_LETTER, attempt: 1 });
    expect(decoded.ok && decoded.event).toMatchObject({
      originalTopic: SMS_ACCEPTED.name,
      consumerGroup: 'routing',
      attempts: 2,
      payload: original.value?.toString(),
    });
  });

  it('cuts a value too large to wrap, and says where the whole record is', () => {
    const huge: IncomingRecord = { ...original, value: Buffer.from('\u0001'.repeat(600_000)) };
    const letter = deadLetterRecord(huge, 'routing', 'does not match', 1);
    const event = JSON.parse(letter.value.toString('utf8')) as { payload: string; reason: string };
    expect(event.payload).toBe('\u0001'.repeat(MAX_DEAD_LETTER_PAYLOAD));
    expect(event.reason).toBe(
      `does not match (payload cut to its first ${MAX_DEAD_LETTER_PAYLOAD} of 600000 characters; the record: sms.accepted.v1 partition 0 offset 7)`,
    );
    // Escaped (each control character as \u0001), the cut value still fits a broker's default 1 MB.
    expect(letter.value.length).toBeLessThan(1_000_000);
  });
});
