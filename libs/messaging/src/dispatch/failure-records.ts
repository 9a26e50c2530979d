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

export function deadLetterRecord(
  record: IncomingRecord,
  consumerGroup: string,
  reason: string,
  attempts: number,
): OutgoingRecord {
  return encodeEvent(
    DEAD_LETTER,
    {
      ...newEnvelope(),
      originalTopic: record.headers[BusHeaders.originalTopic] ?? record.topic,
      originalKey: record.key,
      consumerGroup,
      reason: reason.slice(0, 2_000),
      attempts,
      payload: record.value?.toString('utf8') ?? '',
    },
    { ...record.headers },
  );
}
