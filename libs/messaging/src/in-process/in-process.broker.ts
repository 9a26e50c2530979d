import {
  DeliveredEvent,
  EncodedEvent,
  type IncomingRecord,
  type OutgoingRecord,
} from '../bus-record';
import { Acknowledgement, handling } from './acknowledgement';

/** A consumer group's mailbox for the topics it subscribed to. */
export interface InProcessSubscriber {
  enqueue(record: IncomingRecord): void;
  /**
   * The consumer group of a subscriber that reports when it is done with an acknowledged
   * record (InProcessTransport). Others (test recorders) only watch and are not waited for.
   */
  readonly acknowledgesAs?: string;
  /** Records waiting in its queues (InProcessTransport), for the broker's backlog. */
  readonly queued?: number;
}

export interface InProcessBrokerOptions {
  /**
   * Topics whose records are kept while nobody subscribes to them, and delivered to the first
   * subscriber. The all-in-one gateway keeps its carriers' outbound topics: a carrier added
   * while it runs may get routed messages before its connector subscribes (CarrierWatcher).
   * Others are dropped when nobody subscribes (nothing consumes them in this process).
   */
  readonly keepUntilSubscribed?: (topic: string) => boolean;
}

/** A record published while the broker holds, with what its delivery needs. */
interface HeldRecord {
  readonly record: OutgoingRecord;
  readonly acknowledgement: Acknowledgement | undefined;
  /** The consumer group that published it (not waited for), if a handler did. */
  readonly publisher: string | undefined;
  /** Delivered to this broker's subscribers only (a record from the other thread). */
  readonly local: boolean;
}

/**
 * The bus of all-in-one mode: the same records, keys and headers as on Kafka, delivered in
 * memory to every subscribed group. A record made by encodeEvent travels with its validated,
 * frozen event and is never serialised (DeliveredEvent); any other record as it is.
 *
 * It is not durable by itself: in all-in-one mode a 2xx means the message is committed in the
 * database, and the gateway re-drives unfinished messages from there at boot (see
 * apps/gateway). What no re-drive can bring back (a carrier's receipt or MO, and what it
 * caused) is published acknowledged: the publisher learns when the consumers have stored it.
 * ThreadBridgedBroker extends the bus across a worker thread boundary (thread-bridge.ts).
 */
export class InProcessBroker {
  private readonly subscribers = new Map<string, Set<InProcessSubscriber>>();
  private nextOffset = 0;
  private held: HeldRecord[] | null = null;
  /** Acknowledged events not settled yet, by topic and eventId (see publishAcknowledged). */
  private readonly unsettled = new Map<string, Acknowledgement>();
  /** Records of keepUntilSubscribed topics published while nobody subscribed, by topic. */
  private readonly unclaimed = new Map<string, IncomingRecord[]>();

  constructor(private readonly options: InProcessBrokerOptions = {}) {}

  subscribe(topic: string, subscriber: InProcessSubscriber): () => void {
    const set = this.subscribers.get(topic) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(topic, set);
    const unclaimed = this.unclaimed.get(topic);
    if (unclaimed) {
      this.unclaimed.delete(topic);
      for (const record of unclaimed) subscriber.enqueue(record);
    }
    return () => set.delete(subscriber);
  }

  /** Records kept for a topic nobody subscribes to yet (keepUntilSubscribed). */
  unclaimedCount(): number {
    let total = 0;
    for (const records of this.unclaimed.values()) total += records.length;
    return total;
  }

  /** Records waiting in the queues of every consumer group subscribed: the in-memory backlog. */
  queued(): number {
    const counted = new Set<InProcessSubscriber>();
    let total = 0;
    for (const subscribers of this.subscribers.values()) {
      for (const subscriber of subscribers) {
        if (counted.has(subscriber)) continue;
        counted.add(subscriber);
        total += subscriber.queued ?? 0;
      }
    }
    return total;
  }

  /**
   * Keeps what is published, in order, until open(). The all-in-one gateway holds its bus
   * while its services start: nothing is buffered for a consumer that has not subscribed yet,
   * and a carrier delivers the receipts it stored the moment the connector binds, before the
   * consumers of the statuses they cause (history, policy) are up.
   */
  hold(): void {
    this.held ??= [];
  }

  /** Delivers what was held, in publish order, and everything from now on at once. */
  open(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const entry of held) this.route(entry);
  }

  publish(records: readonly OutgoingRecord[]): void {
    for (const record of records) this.publishOne(record);
  }

  publishOne(record: OutgoingRecord): void {
    if (this.held) {
      this.held.push({ record, acknowledgement: undefined, publisher: undefined, local: false });
      return;
    }
    this.deliver(record, undefined, undefined);
  }

  /**
   * Publishes an encodeEvent record and settles when every consumer group subscribed to its
   * topic is done with it (see Acknowledgement), or rejects after `timeoutMs`. Inside a batch of
   * acknowledged records it resolves at once and they wait for it instead (see `handling`).
   *
   * The same event (topic and eventId) published again while it is not settled waits for the
   * first copy instead of queueing a second: a carrier redelivers a receipt it was not answered
   * for, and under a backlog longer than the timeout each redelivery would otherwise add a copy
   * to the backlog, and lengthen it, until every receipt times out.
   */
  publishAcknowledged(record: OutgoingRecord, timeoutMs: number): Promise<void> {
    if (!(record instanceof EncodedEvent)) {
      return Promise.reject(new Error(`${record.topic}: only encoded events are acknowledged`));
    }
    const context = handling.getStore();
    const identity = identityOf(record);
    const acknowledgement =
      (identity === undefined ? undefined : this.unsettled.get(identity)) ??
      this.routeAcknowledged(record, identity, context?.group);
    const publishes = context?.publishes;
    if (!publishes) {
      return acknowledgement.within(timeoutMs, `${record.topic} (key ${record.key ?? '-'})`);
    }
    // No timer of its own: the records that take the wait over have their publisher's deadline.
    publishes.push(acknowledgement.settled);
    return Promise.resolve();
  }

  /** Delivers a record whose publisher waits, and keeps its acknowledgement until settled. */
  private routeAcknowledged(
    record: EncodedEvent,
    identity: string | undefined,
    publisher: string | undefined,
  ): Acknowledgement {
    const acknowledgement = new Acknowledgement();
    if (identity !== undefined) {
      this.unsettled.set(identity, acknowledgement);
      const forget = () => this.unsettled.delete(identity);
      acknowledgement.settled.then(forget, forget);
    }
    this.route({ record, acknowledgement, publisher, local: false });
    return acknowledgement;
  }

  /** For ThreadBridgedBroker: a record from the other thread, for this thread's consumers. */
  protected publishHere(record: OutgoingRecord, acknowledgement?: Acknowledgement): void {
    this.route({ record, acknowledgement, publisher: undefined, local: true });
  }

  /** Delivers to every subscriber (overridden to cross a thread bridge too). */
  protected deliver(
    record: OutgoingRecord,
    acknowledgement: Acknowledgement | undefined,
    publisher: string | undefined,
  ): void {
    this.deliverHere(record, acknowledgement, publisher);
  }

  /** `acknowledgement`: names the acknowledging groups it is delivered to (expect). */
  protected deliverHere(
    record: OutgoingRecord,
    acknowledgement: Acknowledgement | undefined,
    publisher: string | undefined,
  ): void {
    // A double counts exactly to 2^53: beyond any process's lifetime of records.
    const offset = String(this.nextOffset++);
    const incoming: IncomingRecord =
      record instanceof EncodedEvent
        ? new DeliveredEvent(record, offset, record.headers, acknowledgement)
        : {
            topic: record.topic,
            partition: 0,
            offset,
            key: record.key,
            value: record.value,
            headers: record.headers,
          };
    const subscribers = this.subscribers.get(record.topic);
    if (!subscribers || subscribers.size === 0) {
      if (this.options.keepUntilSubscribed?.(record.topic)) {
        const unclaimed = this.unclaimed.get(record.topic) ?? [];
        unclaimed.push(incoming);
        this.unclaimed.set(record.topic, unclaimed);
      }
      return;
    }
    for (const subscriber of subscribers) {
      const group = acknowledgement && subscriber.acknowledgesAs;
      if (group && group !== publisher) acknowledgement.expect(group);
      subscriber.enqueue(incoming);
    }
  }

  /** Holds the record, or delivers it and closes its acknowledgement's list of groups. */
  private route(entry: HeldRecord): void {
    if (this.held) {
      this.held.push(entry);
      return;
    }
    const { record, acknowledgement, publisher, local } = entry;
    if (local) this.deliverHere(record, acknowledgement, publisher);
    else this.deliver(record, acknowledgement, publisher);
    acknowledgement?.seal();
  }
}

/** An event's identity on the bus: its topic and eventId (every contract's envelope has one). */
function identityOf(record: EncodedEvent): string | undefined {
  const { eventId } = record.event as { eventId?: unknown };
  return typeof eventId === 'string' ? `${record.topic}\n${eventId}` : undefined;
}
