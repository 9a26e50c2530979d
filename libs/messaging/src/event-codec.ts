import {
  type EventOf,
  type TopicDefinition,
  physicalTopicOf,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import { BusHeaders, type IncomingRecord, type OutgoingRecord } from './bus-record';

/** Serialises an event for its topic. Validates first: a producer bug fails here, at its source. */
export function encodeEvent<T extends TopicDefinition>(
  topic: T,
  event: EventOf<T>,
  headers: Record<string, string> = {},
): OutgoingRecord {
  const checked = topic.schema.parse(event) as EventOf<T>;
  return {
    topic: physicalTopicOf(topic, checked),
    key: topic.keyOf(checked),
    value: Buffer.from(JSON.stringify(checked)),
    headers,
  };
}

export type DecodedRecord =
  | {
      readonly ok: true;
      readonly topic: TopicDefinition;
      readonly event: unknown;
      readonly attempt: number;
      readonly record: IncomingRecord;
    }
  | { readonly ok: false; readonly reason: string; readonly record: IncomingRecord };

/**
 * Reads a record back into a validated event of its logical topic. Records arriving through a
 * retry topic name their original topic in a header.
 */
export function decodeRecord(record: IncomingRecord): DecodedRecord {
  const topicName = record.headers[BusHeaders.originalTopic] ?? record.topic;
  const topic = topicForPhysicalName(topicName);
  if (!topic) return { ok: false, reason: `no contract for topic ${topicName}`, record };
  if (!record.value) return { ok: false, reason: 'empty record value', record };

  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}`, record };
  }
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, reason: `does not match ${topic.name}: ${issues}`, record };
  }
  const attempt = Number(record.headers[BusHeaders.attempt] ?? '1');
  return {
    ok: true,
    topic,
    event: parsed.data,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    record,
  };
}
