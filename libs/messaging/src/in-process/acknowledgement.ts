import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The consumer group whose handler is running (InProcessTransport sets it around a batch). An
 * acknowledged publish does not wait for the publisher's own group: that group could not take
 * the record before the handler waiting for it returns (the dlr's receipt handler publishes
 * statuses its own fan-out consumer also reads, in the same lane).
 */
export const handlingGroup = new AsyncLocalStorage<string>();

/**
 * What an acknowledged publish on the in-process bus waits for: every consumer group the record
 * went to finishing with it (handled, or kept as a dead letter), instead of its arrival in their
 * queues. All-in-one mode has no broker to make an event durable, so where an acknowledgement
 * leaves the process (a deliver_sm_resp to a carrier) it may only follow the consumers' own
 * writes; see EventPublisher.publishDurably.
 *
 * The broker counts the groups as it delivers (expect), each group reports once (finished), and
 * `settled` resolves when the last one has, or rejects with the first refusal. A group that
 * retries the record takes the acknowledgement along: the publisher waits for the retry.
 */
export class Acknowledgement {
  private waiting = 0;
  private sealed = false;
  private done = false;
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  readonly settled: Promise<void>;

  constructor() {
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A publisher that timed out no longer listens; a late refusal must not go unhandled.
    this.settled.catch(() => undefined);
  }

  /** One more group has the record in its queue. */
  expect(): void {
    this.waiting++;
  }

  /** Every group that got the record was counted: with none, there is nothing to wait for. */
  seal(): void {
    this.sealed = true;
    if (this.waiting === 0) this.settle();
  }

  /** One group is done with the record. */
  finished(): void {
    this.waiting--;
    if (this.sealed && this.waiting === 0) this.settle();
  }

  /** A group cannot take the record (it closed): the publisher must keep it. */
  refuse(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(error);
  }

  /** Rejects if the groups are not done within `timeoutMs`; the record goes on regardless. */
  within(timeoutMs: number, what: string): Promise<void> {
    if (this.done) return this.settled;
    const timer = setTimeout(
      () => this.refuse(new AcknowledgementTimeoutError(what, timeoutMs)),
      timeoutMs,
    );
    timer.unref();
    return this.settled.finally(() => clearTimeout(timer));
  }

  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.resolve();
  }
}

/** The consumers did not finish with a durably published record in time. */
export class AcknowledgementTimeoutError extends Error {
  override readonly name = 'AcknowledgementTimeoutError';

  constructor(what: string, timeoutMs: number) {
    super(`${what}: not handled by every consumer within ${timeoutMs} ms`);
  }
}
