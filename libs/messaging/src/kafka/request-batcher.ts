interface Waiting<Item> {
  readonly item: Item;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Turns many concurrent single requests to the brokers (records to produce, offsets to commit)
 * into few batched ones. While a batch is in flight, new items wait; when it completes they
 * all go in the next batch. Idle, an item goes at once (no linger timer), so batching costs no
 * latency at low rates and grows with load. Each add resolves once its batch succeeded.
 */
export class RequestBatcher<Item> {
  private waiting: Waiting<Item>[] = [];
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly sendBatch: (items: readonly Item[]) => Promise<void>,
    private readonly maxBatch = 1_000,
  ) {}

  add(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.inFlight) this.inFlight = this.drain();
    });
  }

  /** Resolves when everything added so far is acknowledged (or failed). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    // Let the adds of the current tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        await this.sendBatch(batch.map((waiting) => waiting.item));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    this.inFlight = null;
  }
}
