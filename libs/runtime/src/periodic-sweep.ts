import { describeError } from '@tuxhat/messaging';

export interface PeriodicSweepOptions<T> {
  /** One sweep: a batch of due work, a purge. */
  readonly run: () => Promise<T>;
  /** The wait between the end of a run and the start of the next. */
  readonly intervalMs: number;
  /** The wait before the first run; intervalMs by default. */
  readonly firstDelayMs?: number;
  /**
   * The wait after a run that succeeded, from its result; intervalMs by default. Returning 0
   * while a backlog remains drains it without waiting a whole interval per batch.
   */
  readonly nextDelayMs?: (result: T) => number;
  /** Where a failed run is reported; the sweep carries on after intervalMs. */
  readonly logger: { warn(message: string): void };
  /** Starts the log line of a failed run, e.g. "purge failed". */
  readonly failureMessage: string;
}

/**
 * Runs a sweep again and again in the background, never two at once: the next wait starts
 * when a run ends, so a slow run delays the next instead of overlapping it. A failed run is
 * logged and tried again after the interval. stop() (from a module's shutdown hook) cancels the
 * wait and resolves once a run in progress has ended. The timer does not keep the process alive.
 */
export class PeriodicSweep<T = unknown> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: PeriodicSweepOptions<T>) {}

  start(): void {
    this.stopped = false;
    if (this.timer || this.running) return;
    this.schedule(this.options.firstDelayMs ?? this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.runOnce().then((nextDelayMs) => {
        this.running = null;
        this.schedule(nextDelayMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** Runs the sweep once and returns the wait before the next; never rejects. */
  private async runOnce(): Promise<number> {
    try {
      const result = await this.options.run();
      return this.options.nextDelayMs?.(result) ?? this.options.intervalMs;
    } catch (error) {
      this.options.logger.warn(`${this.options.failureMessage}: ${describeError(error)}`);
      return this.options.intervalMs;
    }
  }
}
