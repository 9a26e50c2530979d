import type { EventOf, TopicDefinition } from '@tuxhat/contracts';
import type { DeliveredEvent, IncomingRecord, InProcessBroker } from '@tuxhat/messaging';

/**
 * Records what is published on one topic of an in-process broker, decoded, and lets a test
 * await it instead of sleeping.
 *
 * With `acknowledgesAs`, it is also a consumer group that acknowledged publishes wait for
 * (EventPublisher.publishDurably): it holds every such record until the test lets it go.
 */
export class TopicRecorder<T extends TopicDefinition> {
  readonly records: IncomingRecord[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly letGoOf = new Set<IncomingRecord>();

  constructor(
    private readonly topic: T,
    broker: InProcessBroker,
    physicalTopic: string = topic.name,
    private readonly acknowledgesAs?: string,
  ) {
    broker.subscribe(physicalTopic, {
      ...(acknowledgesAs ? { acknowledgesAs } : {}),
      enqueue: (record) => {
        this.records.push(record);
        for (const waiter of this.waiters) waiter();
      },
    });
  }

  /** Reports this group done with the held records whose event matches; returns how many. */
  letGo(predicate: (event: EventOf<T>) => boolean = () => true): number {
    let count = 0;
    const events = this.events;
    this.records.forEach((record, index) => {
      const acknowledgement = (record as Partial<DeliveredEvent>).acknowledgement;
      if (!acknowledgement || !this.acknowledgesAs) return;
      if (this.letGoOf.has(record) || !predicate(events[index])) return;
      this.letGoOf.add(record);
      acknowledgement.finished(this.acknowledgesAs);
      count++;
    });
    return count;
  }

  get events(): EventOf<T>[] {
    return this.records.map(
      (record) => this.topic.schema.parse(JSON.parse(record.value!.toString())) as EventOf<T>,
    );
  }

  /** Resolves with the matching events once there are `count` of them. */
  waitFor(
    count: number,
    predicate: (event: EventOf<T>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<EventOf<T>[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matching = this.events.filter(predicate);
        if (matching.length >= count) {
          done();
          resolve(matching);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for ${count} event(s) on ${this.topic.name}; have ${this.events.filter(predicate).length}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
