import { AsyncLocalStorage } from 'node:async_hooks';

/** The batch a consumer group's handler is running for (InProcessTransport sets it). */
export interface HandlingContext {
  readonly group: string;
  /**
   * Set when the batch holds acknowledged records: the acknowledged publishes its handler
   * makes, which those records' acknowledgements then wait for.
   */
  readonly publishes: Promise<void>[] | undefined;
}

/**
 * An acknowledged publish made while a batch is handled:
 *
 * - does not wait for the publisher's own group, which could not take the record before the
 *   handler waiting for it returns (the dlr's receipt handler publishes statuses its own fan-out
 *   consumer also reads, in the same lane);
 * - when the batch holds acknowledged records, resolves at once and hands its wait to them: a
 *   receipt is acknowledged once the statuses it caused are, while the dlr goes on with the
 *   next receipts instead of waiting for accounting's queue.
 */
export const handling = new AsyncLocalStorage<HandlingContext>();

/**
 * What an acknowledged publish on the in-process bus waits for: every consumer group the record
 * went to finishing with it (handled, or kept as a dead letter), instead of its arrival in their
 * queues. All-in-one mode has no broker to make an event durable, so where an acknowledgement
 * leaves the process (a deliver_sm_resp to a carrier) it may only follow the consumers' own
 * writes; see EventPublisher.publishDurably.
 *
 * The broker names the groups as it delivers (expect), each group reports once (finished), and
 * `settled` resolves when the last one has, or rejects with the first refusal. A group that
 * retries the record takes the acknowledgement along: the publisher waits for the retry.
 */
export class Acknowledgement {
  /** The groups (and bridged threads) that got the record and are not done with it yet. */
  private readonly waiting = new Set<string>();
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
  expect(group: string): void {
    this.waiting.add(group);
  }

  /** Every group that got the record was counted: with none, there is nothing to wait for. */
  seal(): void {
    this.sealed = true;
    if (this.waiting.size === 0) this.settle();
  }

  /**
   * A group is done with the record. Any group that got it says so, also one not waited for
   * (the publisher's own): only those expected count.
   */
  finished(group: string): void {
    if (!this.waiting.delete(group)) return;
    if (this.sealed && this.waiting.size === 0) this.settle();
  }

  /**
   * A group cannot take the record (it closed, or what it published was refused): the
   * publisher must keep it.
   */
  refuse(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(error);
  }

  /**
   * Rejects if the groups are not done within `timeoutMs`. Only this wait ends: the record
   * goes on, and the acknowledgement still settles for whoever else waits for it (a carrier's
   * redelivery of the same receipt, see InProcessBroker.publishAcknowledged).
   */
  within(timeoutMs: number, what: string): Promise<void> {
    if (this.done) return this.settled;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new AcknowledgementTimeoutError(what, timeoutMs)),
        timeoutMs,
      );
      timer.unref();
      this.settled.then(resolve, reject).finally(() => clearTimeout(timer));
    });
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
