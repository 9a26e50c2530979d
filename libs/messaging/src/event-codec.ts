import type { SpanContext } from '@opentelemetry/api';
import {
  type EventOf,
  type TopicDefinition,
  physicalTopicOf,
  topicForPhysicalName,
} from '@tuxhat/contracts';

import {
  BusHeaders,
  DeliveredEvent,
  EncodedEvent,
  type IncomingRecord,
  type OutgoingRecord,
} from './bus-record';
import { freezeEvent } from './frozen-event';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Makes the record of an event for its topic. Validates first: a producer bug fails here, at
 * its source. The record keeps the validated event, frozen; its value (JSON) is written when a
 * transport asks for it (Kafka), never on the in-process bus.
 */
export function encodeEvent<T extends TopicDefinition>(
  topic: T,
  event: EventOf<T>,
  headers: Readonly<Record<string, string>> = NO_HEADERS,
  options: { readonly producerSpan?: SpanContext } = {},
): OutgoingRecord {
  const checked = freezeEvent(topic.schema.parse(event) as EventOf<T>);
  return new EncodedEvent(
    topic,
    physicalTopicOf(topic, checked),
    topic.keyOf(checked),
    checked,
    headers,
    options.producerSpan,
  );
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
 * Reads a record back into a validated (frozen) event of its logical topic. Records arriving
 * through a retry topic name their original topic in a header. An event the in-process broker
 * delivers was validated by encodeEvent in this process and is passed on as it is.
 */
export function decodeRecord(record: IncomingRecord): DecodedRecord {
  if (record instanceof DeliveredEvent) {
    return {
      ok: true,
      topic: record.contract,
      event: record.event,
      attempt: attemptOf(record),
      record,
    };
  }
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
  return { ok: true, topic, event: freezeEvent(parsed.data), attempt: attemptOf(record), record };
}

function attemptOf(record: IncomingRecord): number {
  const header = record.headers[BusHeaders.attempt];
  if (header === undefined) return 1;
  const attempt = Number(header);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}
