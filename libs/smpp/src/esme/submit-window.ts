/**
 * The window: at most `size` submit_sm awaiting their submit_sm_resp at any time (the
 * asynchronous mode of SMPP 3.4 §2.7). Further submits wait in FIFO order for a free slot,
 * so parts of one message keep their order.
 */
export class SubmitWindow {
  private inFlight = 0;
  private readonly waiting: Array<{ grant: () => void; refuse: (error: Error) => void }> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`window size must be a positive integer, got ${size}`);
  }

  /** PDUs sent and not yet answered. */
  get outstanding(): number {
    return this.inFlight;
  }

  /** Submits waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves when a slot is held; the caller must release() it exactly once. */
  acquire(): Promise<void> {
    if (this.inFlight < this.size && this.waiting.length === 0) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((grant, refuse) => this.waiting.push({ grant, refuse }));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) {
      // The slot passes straight to the next waiter: outstanding stays the same.
      next.grant();
      return;
    }
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Refuses every waiter (the session is gone); slots already held are released by their owners. */
  refuseWaiting(error: () => Error): void {
    const waiters = this.waiting.splice(0);
    for (const waiter of waiters) waiter.refuse(error());
  }
}
