import type { IncomingRecord, OutgoingRecord } from '../bus-record';

/** A consumer group's mailbox for the topics it subscribed to. */
export interface InProcessSubscriber {
  enqueue(record: IncomingRecord): void;
}

/**
 * The bus of all-in-one mode: the same records, keys and headers as on Kafka, delivered in
 * memory to every subscribed group. It is not durable by itself: in all-in-one mode a 2xx
 * means the message is committed in the database, and the gateway re-drives unfinished
 * messages from there at boot (see apps/gateway).
 */
export class InProcessBroker {
  private readonly subscribers = new Map<string, Set<InProcessSubscriber>>();
  private nextOffset = 0n;

  subscribe(topic: string, subscriber: InProcessSubscriber): () => void {
    const set = this.subscribers.get(topic) ?? new Set();
    set.add(subscriber);
    this.subscribers.set(topic, set);
    return () => set.delete(subscriber);
  }

  publish(records: readonly OutgoingRecord[]): void {
    for (const record of records) {
      const incoming: IncomingRecord = {
        topic: record.topic,
        partition: 0,
        offset: (this.nextOffset++).toString(),
        key: record.key,
        value: record.value,
        headers: record.headers,
      };
      for (const subscriber of this.subscribers.get(record.topic) ?? []) {
        subscriber.enqueue(incoming);
      }
    }
  }
}
