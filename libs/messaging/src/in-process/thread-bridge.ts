import type { MessagePort } from 'node:worker_threads';

import { Logger } from '@nestjs/common';
import type { SpanContext } from '@opentelemetry/api';
import { topicByName } from '@tuxhat/contracts';

import { EncodedEvent, type OutgoingRecord } from '../bus-record';
import { freezeEvent } from '../frozen-event';
import { Acknowledgement } from './acknowledgement';
import {
  InProcessBroker,
  type InProcessBrokerOptions,
  type InProcessSubscriber,
} from './in-process.broker';

/** How an acknowledgement names the other thread's consumer groups, which it waits for as one. */
const PEER = '<the other thread>';

/** An event record on the wire: the event object goes by structured clone, its contract by name. */
export interface WireEvent {
  readonly contract: string;
  readonly topic: string;
  readonly key: string | null;
  readonly event: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly producerSpan?: SpanContext;
  /** Set when the sender waits for this end's consumers (an acknowledged publish). */
  readonly acknowledgement?: number;
}

/** Any other record (not made by encodeEvent): its bytes as they are. */
export interface WireBytes {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export type WireRecord = WireEvent | WireBytes;

/** What the two ends of a bridge say to each other, in order, over one MessagePort. */
export type BridgeMessage =
  | { readonly kind: 'subscribe' | 'unsubscribe'; readonly topic: string }
  | { readonly kind: 'records'; readonly records: readonly WireRecord[] }
  /** Acknowledged records this end's consumers are done with (error: one refused it). */
  | { readonly kind: 'settled'; readonly settled: readonly SettledRecord[] }
  | { readonly kind: 'ping' | 'pong'; readonly id: number };

export interface SettledRecord {
  readonly acknowledgement: number;
  readonly error?: string;
}

export interface ThreadBridgeOptions extends InProcessBrokerOptions {
  /** A record that could not cross (not cloneable, or its contract unknown to the peer). */
  readonly onError?: (error: Error) => void;
}

/**
 * The in-process bus of one thread, joined to the bus of another thread (the all-in-one
 * gateway's ingress worker) over a MessagePort. Each end is a full InProcessBroker for the
 * services of its thread; a record published on one end also goes to the other end when a
 * consumer there subscribed to its topic (each end tells the other which topics its consumers
 * want), and is delivered there as if published there.
 *
 * Records cross by structured clone: an encodeEvent record as its (already validated) event
 * object plus its contract's name, rebuilt on arrival into the same kind of record the local
 * bus carries, so consumers skip JSON and validation as they do in one thread (measured on
 * the 2-core dev VM, send plus receive of an sms.submitted record: 2.7-3.0 us, against
 * 5.1-6.3 us for its JSON bytes, parsed and validated again on arrival). Everything published
 * in one event-loop turn crosses in one postMessage: a message per record would cost more
 * than the records.
 *
 * Semantics are the in-process broker's: per-port order is preserved, so records of one key
 * or lane arrive in the order published; no durability (publishOne is done when the record is
 * queued). What survives a crash is the database, and the gateway re-drives unfinished
 * messages from it at boot (see apps/gateway). An acknowledged publish counts the other end as
 * one more group, done when the consumers there are (they answer with `settled`).
 */
export class ThreadBridgedBroker extends InProcessBroker {
  private readonly logger = new Logger(ThreadBridgedBroker.name);
  /** Local subscriptions per topic: the peer is told of the first and the last. */
  private readonly localTopics = new Map<string, number>();
  /** Topics the peer's consumers want. */
  private readonly peerTopics = new Set<string>();
  private outbox: WireRecord[] = [];
  private settledOut: SettledRecord[] = [];
  /** Acknowledged records sent to the peer and not yet settled there. */
  private readonly awaiting = new Map<number, Acknowledgement>();
  private nextAcknowledgement = 0;
  private flushScheduled = false;
  private readonly pings = new Map<number, () => void>();
  private nextPing = 0;
  private closed = false;
  private readonly onError: (error: Error) => void;

  constructor(
    private readonly port: MessagePort,
    options: ThreadBridgeOptions = {},
  ) {
    super(options);
    this.onError =
      options.onError ?? ((error) => this.logger.error(`record not bridged: ${error.message}`));
    port.on('message', (message: BridgeMessage) => this.receive(message));
    port.once('close', () => {
      this.closed = true;
      this.peerTopics.clear();
      this.refuseAwaiting();
    });
  }

  override subscribe(topic: string, subscriber: InProcessSubscriber): () => void {
    const unsubscribe = super.subscribe(topic, subscriber);
    this.countLocal(topic, 1);
    let subscribed = true;
    return () => {
      unsubscribe();
      if (!subscribed) return;
      subscribed = false;
      this.countLocal(topic, -1);
    };
  }

  protected override deliver(
    record: OutgoingRecord,
    acknowledgement: Acknowledgement | undefined,
    publisher: string | undefined,
  ): void {
    super.deliver(record, acknowledgement, publisher);
    if (!this.peerTopics.has(record.topic)) return;
    let id: number | undefined;
    if (acknowledgement) {
      id = this.nextAcknowledgement++;
      acknowledgement.expect(PEER);
      this.awaiting.set(id, acknowledgement);
    }
    this.outbox.push(toWire(record, id));
    this.scheduleFlush();
  }

  /**
   * Resolves once the peer has handled everything this end sent so far (records and
   * subscriptions): a worker awaits it before it reports ready, so the main thread routes
   * events to its consumers from then on, and before it reports closed.
   */
  synced(): Promise<void> {
    this.flush();
    if (this.closed) return Promise.resolve();
    const id = this.nextPing++;
    return new Promise((resolve) => {
      this.pings.set(id, resolve);
      this.post({ kind: 'ping', id });
    });
  }

  /** Sends what is queued and closes the port (both ends). */
  close(): void {
    this.flush();
    this.closed = true;
    this.peerTopics.clear();
    this.refuseAwaiting();
    for (const resolve of this.pings.values()) resolve();
    this.pings.clear();
    this.port.close();
  }

  private countLocal(topic: string, change: 1 | -1): void {
    const count = (this.localTopics.get(topic) ?? 0) + change;
    if (count > 0) this.localTopics.set(topic, count);
    else this.localTopics.delete(topic);
    if (change === 1 && count === 1) this.post({ kind: 'subscribe', topic });
    if (change === -1 && count === 0) this.post({ kind: 'unsubscribe', topic });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private refuseAwaiting(): void {
    for (const acknowledgement of this.awaiting.values()) {
      acknowledgement.refuse(new Error('the thread bridge closed before the consumers were done'));
    }
    this.awaiting.clear();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.settledOut.length > 0) {
      const settled = this.settledOut;
      this.settledOut = [];
      this.post({ kind: 'settled', settled });
    }
    if (this.outbox.length === 0) return;
    const records = this.outbox;
    this.outbox = [];
    try {
      this.post({ kind: 'records', records });
    } catch (error) {
      // A record that cannot be cloned fails the whole postMessage: send the rest one by one.
      if (!isCloneError(error)) throw error;
      for (const record of records) {
        try {
          this.post({ kind: 'records', records: [record] });
        } catch (failed) {
          this.onError(new Error(`${record.topic} (key ${record.key}): ${String(failed)}`));
        }
      }
    }
  }

  private post(message: BridgeMessage): void {
    if (!this.closed) this.port.postMessage(message);
  }

  private receive(message: BridgeMessage): void {
    switch (message.kind) {
      case 'records':
        // Delivered here only, never back across the bridge.
        for (const record of message.records) this.receiveRecord(record);
        return;
      case 'settled':
        for (const { acknowledgement: id, error } of message.settled) {
          const acknowledgement = this.awaiting.get(id);
          this.awaiting.delete(id);
          if (error === undefined) acknowledgement?.finished(PEER);
          else acknowledgement?.refuse(new Error(error));
        }
        return;
      case 'subscribe':
        this.peerTopics.add(message.topic);
        return;
      case 'unsubscribe':
        this.peerTopics.delete(message.topic);
        return;
      case 'ping':
        this.post({ kind: 'pong', id: message.id });
        return;
      case 'pong':
        this.pings.get(message.id)?.();
        this.pings.delete(message.id);
        return;
    }
  }

  private receiveRecord(record: WireRecord): void {
    const id = 'contract' in record ? record.acknowledgement : undefined;
    if (id === undefined) {
      this.publishHere(this.fromWire(record));
      return;
    }
    const acknowledgement = new Acknowledgement();
    this.publishHere(this.fromWire(record), acknowledgement);
    acknowledgement.settled.then(
      () => this.answer({ acknowledgement: id }),
      // Acknowledgements are refused with Errors only.
      (error: unknown) => this.answer({ acknowledgement: id, error: (error as Error).message }),
    );
  }

  private answer(settled: SettledRecord): void {
    this.settledOut.push(settled);
    this.scheduleFlush();
  }

  private fromWire(record: WireRecord): OutgoingRecord {
    if (!('contract' in record)) return { ...record, value: bufferOf(record.value) };
    const contract = topicByName(record.contract);
    if (contract) {
      return new EncodedEvent(
        contract,
        record.topic,
        record.key,
        freezeEvent(record.event),
        record.headers,
        record.producerSpan,
      );
    }
    // Both ends run the same code, so this is a bug; the consumer gets the event's JSON and
    // dead-letters it ("no contract for topic") as it would any record it cannot read.
    this.onError(new Error(`${record.topic}: contract ${record.contract} unknown on this thread`));
    return {
      topic: record.topic,
      key: record.key,
      value: Buffer.from(JSON.stringify(record.event)),
      headers: record.headers,
    };
  }
}

function toWire(record: OutgoingRecord, acknowledgement: number | undefined): WireRecord {
  const { topic, key, headers } = record;
  if (record instanceof EncodedEvent) {
    const { producerSpan } = record;
    return {
      contract: record.contract.name,
      topic,
      key,
      event: record.event,
      headers,
      // A trace state is a class instance a clone would strip: consumers read the headers then.
      ...(producerSpan && producerSpan.traceState === undefined ? { producerSpan } : {}),
      ...(acknowledgement === undefined ? {} : { acknowledgement }),
    };
  }
  // A copy of just these bytes: a Buffer often views a shared 8 KiB pool, all of it cloned.
  return { topic, key, value: new Uint8Array(record.value), headers };
}

/** A DOMException, from whichever realm (not always an Error there). */
function isCloneError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'DataCloneError';
}

/** A Buffer over the clone's bytes, without copying them again. */
function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
