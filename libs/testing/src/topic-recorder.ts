import type { EventOf, TopicDefinition } from '@tuxhat/contracts';
import type { IncomingRecord, InProcessBroker } from '@tuxhat/messaging';

/**
 * Records what is published on one topic of an in-process broker, decoded, and lets a test
 * await it instead of sleeping.
 */
export class TopicRecorder<T extends TopicDefinition> {
  readonly records: IncomingRecord[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly topic: T,
    broker: InProcessBroker,
    physicalTopic: string = topic.name,
  ) {
    broker.subscribe(physicalTopic, {
      enqueue: (record) => {
        this.records.push(record);
        for (const waiter of this.waiters) waiter();
      },
    });
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
