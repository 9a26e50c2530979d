import type { SpanContext } from '@opentelemetry/api';
import type { TopicDefinition } from '@tuxhat/contracts';

import type { Acknowledgement } from './in-process/acknowledgement';

/** A record on its way to the bus: addressed to a physical topic, its value serialised. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record as a consumer receives it, from Kafka or the in-process broker. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Header names the transports own. Original headers (trace context) travel alongside. */
export const BusHeaders = {
  /** The logical topic a retried record came from. */
  originalTopic: 'tuxhat-original-topic',
  /** Which attempt the next delivery is (1 = first delivery). */
  attempt: 'tuxhat-attempt',
  /** Epoch milliseconds before which a retried record must not be handled. */
  notBefore: 'tuxhat-not-before',
  lastError: 'tuxhat-last-error',
} as const;

/**
 * The record encodeEvent makes of a validated event: it keeps the (deeply frozen) event and
 * serialises it only when asked. Kafka asks (the bytes are exactly JSON.stringify of the
 * event, as always); the in-process broker does not: it hands the event itself to consumers,
 * without a JSON round trip and a second validation per hop (see decodeRecord).
 */
export class EncodedEvent implements OutgoingRecord {
  private bytes: Buffer | undefined;

  constructor(
    /** The logical topic the event was validated against. */
    readonly contract: TopicDefinition,
    readonly topic: string,
    readonly key: string | null,
    readonly event: unknown,
    readonly headers: Readonly<Record<string, string>>,
    /**
     * The producer's span as a consumer extracting `headers` would find it (remote), when the
     * headers carry exactly that (W3C traceparent, no baggage): in-process consumers take it
     * as it is instead of parsing the headers again.
     */
    readonly producerSpan?: SpanContext,
  ) {}

  get value(): Buffer {
    return (this.bytes ??= Buffer.from(JSON.stringify(this.event)));
  }
}

/**
 * An EncodedEvent as the in-process broker delivers it to a consumer group. Only the broker
 * makes these, and only from an EncodedEvent: so its `event` is known valid for `contract`.
 */
export class DeliveredEvent implements IncomingRecord {
  readonly topic: string;
  readonly partition = 0;
  readonly key: string | null;
  readonly event: unknown;
  readonly producerSpan: SpanContext | undefined;

  constructor(
    private readonly source: EncodedEvent,
    readonly offset: string,
    readonly headers: Readonly<Record<string, string>> = source.headers,
    /** Set when the publisher waits for the consumers (InProcessBroker.publishAcknowledged). */
    readonly acknowledgement?: Acknowledgement,
  ) {
    this.topic = source.topic;
    this.key = source.key;
    this.event = source.event;
    this.producerSpan = source.producerSpan;
  }

  /** Serialised on first use, once for every group the event went to. */
  get value(): Buffer {
    return this.source.value;
  }

  get contract(): TopicDefinition {
    return this.source.contract;
  }

  /** The same delivery with other headers (a retry's attempt count), still not serialised. */
  withHeaders(headers: Readonly<Record<string, string>>): DeliveredEvent {
    return new DeliveredEvent(this.source, this.offset, headers, this.acknowledgement);
  }
}

/**
 * A Nest client that also takes a record directly (both of ours): EventPublisher then skips
 * the Observable that ClientProxy.emit builds per event. Returns undefined when the record is
 * already delivered, else a promise that settles when the bus has it.
 */
export interface DirectRecordSender {
  sendRecord(record: OutgoingRecord): Promise<void> | undefined;
  /**
   * Settles when the record is durable: on Kafka when the brokers have it (sendRecord); on the
   * in-process bus when its consumers are done with it (see EventPublisher.publishDurably).
   */
  sendRecordDurably(record: OutgoingRecord): Promise<void>;
}

export function isDirectRecordSender(client: object): client is DirectRecordSender {
  return typeof (client as Partial<DirectRecordSender>).sendRecord === 'function';
}
