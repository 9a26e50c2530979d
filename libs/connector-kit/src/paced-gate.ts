import type { PriorityClass } from '@tuxhat/contracts';

import { PriorityQueue } from './priority-queue';
import { TokenBucket } from './token-bucket';

interface Waiter {
  readonly priority: PriorityClass;
  readonly pass: () => void;
  readonly refuse: (error: Error) => void;
}

/** Thrown to callers still waiting at a gate that was closed. */
export class GateClosedError extends Error {
  override readonly name = 'GateClosedError';
}

/**
 * Lets calls through at most `ratePerSecond` (no limit when absent), OTP first when calls
 * queue up, and holds everyone back for a while when the far side says it is overloaded. The
 * SNS connector puts one in front of each AWS account (SNS's per-account SMS quota).
 */
export class PacedGate {
  private readonly queue = new PriorityQueue<Waiter>();
  private readonly bucket: TokenBucket | undefined;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The gate that replaced this one (handOverTo): callers go there. */
  private successor: PacedGate | undefined;

  constructor(
    ratePerSecond: number | undefined,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.bucket = ratePerSecond ? TokenBucket.forRate(ratePerSecond, now) : undefined;
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** Resolves when the caller may go; rejects with GateClosedError once the gate is closed. */
  pass(priority: PriorityClass): Promise<void> {
    if (this.successor) return this.successor.pass(priority);
    if (this.closed) return Promise.reject(new GateClosedError('gate closed'));
    return new Promise((pass, refuse) => {
      this.queue.push(priority, { priority, pass, refuse });
      this.pump();
    });
  }

  /**
   * Another gate takes over (a new rate): whoever waits here waits there from now on, in the
   * same order, a pause after a throttle still holds, and later callers of this gate go there
   * too. Without it a queue built up at a low rate would drain at that rate after it was raised.
   */
  handOverTo(next: PacedGate): void {
    if (next === this || this.successor) return;
    this.successor = next;
    clearTimeout(this.timer);
    this.timer = undefined;
    const remainingPause = this.pausedUntil - this.now();
    if (remainingPause > 0) next.holdFor(remainingPause);
    for (const waiter of this.queue.takeWhere(() => true)) next.queue.push(waiter.priority, waiter);
    next.pump();
  }

  /** Nobody passes for `ms` (the far side throttled us); a longer pause already set wins. */
  holdFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.queue.takeWhere(() => true)) {
      waiter.refuse(new GateClosedError('gate closed'));
    }
  }

  private pump(): void {
    if (this.closed || this.timer) return;
    while (this.queue.size > 0) {
      const wait = Math.max(this.pausedUntil - this.now(), this.bucket?.msUntilToken() ?? 0);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        this.timer.unref();
        return;
      }
      this.bucket?.tryTake();
      this.queue.shift()?.pass();
    }
  }
}
