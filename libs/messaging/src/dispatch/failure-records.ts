import { DEAD_LETTER, newEnvelope } from '@tuxhat/contracts';

import { BusHeaders, type IncomingRecord, type OutgoingRecord } from '../bus-record';
import { encodeEvent } from '../event-codec';

/** The record that carries a failed event through its group's retry topic. */
export function retryRecord(
  record: IncomingRecord,
  retryTopic: string,
  nextAttempt: number,
  delayMs: number,
  error: string,
  now: number = Date.now(),
): OutgoingRecord {
  return {
    topic: retryTopic,
    key: record.key,
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...record.headers,
      // The physical topic, so a topic family (sms.outbound.v1.<carrier>) maps back.
      [BusHeaders.originalTopic]: record.headers[BusHeaders.originalTopic] ?? record.topic,
      [BusHeaders.attempt]: String(nextAttempt),
      [BusHeaders.notBefore]: String(now + delayMs),
      [BusHeaders.lastError]: error.slice(0, 512),
    },
  };
}

/**
 * The retry path's own headers. A dead letter says the same in its fields, and must not carry
 * them: a consumer of sms.deadletter.v1 would read the record as an event of its original topic
 * (decodeRecord follows tuxhat-original-topic), fail it, and dead-letter it again, each round
 * nesting the last one's payload, until the record outgrew the broker's limit.
 */
const RETRY_HEADERS: ReadonlySet<string> = new Set(Object.values(BusHeaders));

/**
 * The most of a record's value a dead letter keeps (characters). A dead letter wraps the value in
 * JSON, which escapes it and so can make it larger than the record was: a record near the
 * broker's size limit would give a dead letter the broker refuses, and its consumer, unable to
 * publish it, would stop on that record for good. A character takes at most 6 bytes once escaped
 * (a control character as \u00XX), so 128 Ki of them stay under the brokers' default limit of
 * 1 MB. Our events are far smaller; only a foreign or broken record is cut, and its reason says so.
 */
export const MAX_DEAD_LETTER_PAYLOAD = 128 * 1024;

export function deadLetterRecord(
  record: IncomingRecord,
  consumerGroup: string,
  reason: string,
  attempts: number,
): OutgoingRecord {
  // The rest (the trace context) travels on: the dead letter continues the message's trace.
  const headers = Object.fromEntries(
    Object.entries(record.headers).filter(([name]) => !RETRY_HEADERS.has(name)),
  );
  const payload = record.value?.toString('utf8') ?? '';
  const cut = payload.length > MAX_DEAD_LETTER_PAYLOAD;
  return encodeEvent(
    DEAD_LETTER,
    {
      ...newEnvelope(),
      originalTopic: record.headers[BusHeaders.originalTopic] ?? record.topic,
      originalKey: record.key,
      consumerGroup,
      reason:
        reason.slice(0, 2_000) +
        (cut
          ? ` (payload cut to its first ${MAX_DEAD_LETTER_PAYLOAD} of ${payload.length} characters; the record: ${record.topic} partition ${record.partition} offset ${record.offset})`
          : ''),
      attempts,
      payload: cut ? payload.slice(0, MAX_DEAD_LETTER_PAYLOAD) : payload,
    },
    headers,
  );
}
