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
import { copyFrozen, freezeEvent } from './frozen-event';

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * How encodeEvent checks events against their topic's schema:
 *  - `all`: every event (tests, development: a producer bug fails at its source, at once);
 *  - `sampled`: the first events of each topic, then one in SAMPLE_EVERY. The events are typed
 *    at compile time; a producer bug that the types cannot see (a malformed id) still fails
 *    a publish soon, loudly, without zod on every event of every hop (it was most of the cost
 *    of publishing). Records read from Kafka are always validated (decodeRecord).
 * BUS_VALIDATE_PUBLISHED sets it; default `sampled` when NODE_ENV=production, else `all`.
 */
export type PublishValidation = 'all' | 'sampled';

const SAMPLE_FIRST = 16;
const SAMPLE_EVERY = 256;

export function publishValidationFrom(env: NodeJS.ProcessEnv): PublishValidation {
  const configured = (env.BUS_VALIDATE_PUBLISHED ?? '').trim().toLowerCase();
  if (configured === 'all' || configured === 'sampled') return configured;
  if (configured !== '') {
    throw new Error(`BUS_VALIDATE_PUBLISHED: "${configured}" is not one of all, sampled`);
  }
  return env.NODE_ENV === 'production' ? 'sampled' : 'all';
}

let publishValidation: PublishValidation | undefined;
const publishedPerTopic = new Map<TopicDefinition, number>();

/**
 * Reads BUS_VALIDATE_PUBLISHED now (Bus.create does, at boot: a bad value stops the process
 * there, not at its first publish), unless setPublishValidation chose already.
 */
export function configurePublishValidation(env: NodeJS.ProcessEnv = process.env): void {
  publishValidation ??= publishValidationFrom(env);
}

/** Overrides BUS_VALIDATE_PUBLISHED (tests). */
export function setPublishValidation(mode: PublishValidation): void {
  publishValidation = mode;
  publishedPerTopic.clear();
}

function validatesNow(topic: TopicDefinition): boolean {
  if (publishValidation === undefined) configurePublishValidation();
  if (publishValidation === 'all') return true;
  const published = publishedPerTopic.get(topic) ?? 0;
  publishedPerTopic.set(topic, published + 1);
  return published < SAMPLE_FIRST || published % SAMPLE_EVERY === 0;
}

/**
 * Makes the record of an event for its topic. Validates first (see PublishValidation): a
 * producer bug fails here, at its source. The record keeps the event, a frozen copy (zod's
 * output, or a plain deep copy when not validated: the producer's objects stay its own); its
 * value (JSON) is written when a transport asks for it (Kafka), never on the in-process bus.
 */
export function encodeEvent<T extends TopicDefinition>(
  topic: T,
  event: EventOf<T>,
  headers: Readonly<Record<string, string>> = NO_HEADERS,
  options: { readonly producerSpan?: SpanContext } = {},
): OutgoingRecord {
  const checked = validatesNow(topic)
    ? freezeEvent(topic.schema.parse(event) as EventOf<T>)
    : copyFrozen(event);
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
