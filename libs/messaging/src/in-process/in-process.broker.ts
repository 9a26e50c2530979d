import {
  DeliveredEvent,
  EncodedEvent,
  type IncomingRecord,
  type OutgoingRecord,
} from '../bus-record';

/** A consumer group's mailbox for the topics it subscribed to. */
export interface InProcessSubscriber {
  enqueue(record: IncomingRecord): void;
}

/**
 * The bus of all-in-one mode: the same records, keys and headers as on Kafka, delivered in
 * memory to every subscribed group. A record made by encodeEvent travels with its validated,
 * frozen event and is never serialised (DeliveredEvent); any other record as it is. It is not durable by itself: in all-in-one mode a 2xx
 * means the message is committed in the database, and the gateway re-drives unfinished
 * messages from there at boot (see apps/gateway). ThreadBridgedBroker extends it across a
 * worker thread boundary (thread-bridge.ts).
 */
export class InProcessBroker {
  private readonly subscribers = new Map<string, Set<InProcessSubscriber>>();
  private nextOffset = 0;

  subscribe(topic: string, subscriber: InProcessSubscriber): () => void {
    const set = this.subscribers.get(topic) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(topic, set);
    return () => set.delete(subscriber);
  }

  publish(records: readonly OutgoingRecord[]): void {
    for (const record of records) this.publishOne(record);
  }

  publishOne(record: OutgoingRecord): void {
    // A double counts exactly to 2^53: beyond any process's lifetime of records.
    const offset = String(this.nextOffset++);
    const incoming: IncomingRecord =
      record instanceof EncodedEvent
        ? new DeliveredEvent(record, offset)
        : {
            topic: record.topic,
            partition: 0,
            offset,
            key: record.key,
            value: record.value,
            headers: record.headers,
          };
    const subscribers = this.subscribers.get(record.topic);
    if (!subscribers) return;
    for (const subscriber of subscribers) subscriber.enqueue(incoming);
  }
}
