import type { OutgoingRecord } from '../bus-record';

interface Waiting {
  readonly record: OutgoingRecord;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Turns many concurrent single publishes into few batched sends. While a send is in flight,
 * new records wait; when it completes they all go in the next send. Idle, a record is sent at
 * once (no linger timer), so batching costs no latency at low rates and grows with load.
 */
export class BatchingProducer {
  private waiting: Waiting[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly sendBatch: (records: readonly OutgoingRecord[]) => Promise<void>,
    private readonly maxBatch = 1_000,
  ) {}

  publish(record: OutgoingRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (!this.inFlight) this.inFlight = this.drain();
    });
  }

  publishAll(records: readonly OutgoingRecord[]): Promise<void> {
    return Promise.all(records.map((record) => this.publish(record))).then(() => undefined);
  }

  /** Resolves when everything published so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    // Let the publishes of the current tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        await this.sendBatch(batch.map((item) => item.record));
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.inFlight = null;
  }
}
