import type { IncomingRecord } from '../../bus-record';
import type { InProcessSubscriber } from '../in-process.broker';

/** Collects what arrives on a topic and lets a test await it instead of sleeping. */
export class RecordingSubscriber implements InProcessSubscriber {
  readonly records: IncomingRecord[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  enqueue(record: IncomingRecord): void {
    this.records.push(record);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.records.length >= waiter.count) waiter.resolve();
      return this.records.length < waiter.count;
    });
  }

  waitForCount(count: number): Promise<void> {
    if (this.records.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}
