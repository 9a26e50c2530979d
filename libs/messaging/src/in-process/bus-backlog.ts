/**
 * Whether the bus behind a publisher holds as much in memory as it should. All-in-one mode's
 * bus is memory (about 3 KB of heap per queued message): past a limit, ingress stores new
 * messages for later instead of publishing them (hard-storage queueing, apps/gateway). On
 * Kafka the brokers hold the backlog on disk and it is never full.
 */
export interface BusBacklog {
  isFull(): boolean;
  /** Messages were committed parked (after the commit): the feeder has work. */
  parked(): void;
}

export const UNBOUNDED_BACKLOG: BusBacklog = { isFull: () => false, parked: () => undefined };

/**
 * The in-memory backlog as the broker's thread measures it (record), readable on any thread
 * the buffer is handed to (ingress runs on a worker thread of its own), and a count of the
 * times ingress parked messages, which the gateway's feeder watches instead of asking the
 * database: two shared integers, no message per update.
 */
export class SharedBusBacklog implements BusBacklog {
  private readonly cell: Int32Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    /** Queued records from which the backlog is full. */
    readonly limit: number,
  ) {
    this.cell = new Int32Array(buffer);
  }

  static create(limit: number): SharedBusBacklog {
    return new SharedBusBacklog(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT), limit);
  }

  /** On the broker's thread: the records its consumer groups have queued now. */
  record(queued: number): void {
    Atomics.store(this.cell, 0, Math.min(queued, 0x7fffffff));
  }

  get queued(): number {
    return Atomics.load(this.cell, 0);
  }

  isFull(): boolean {
    return this.queued >= this.limit;
  }

  parked(): void {
    Atomics.add(this.cell, 1, 1);
  }

  /** How many times messages were parked so far (wraps around; only changes matter). */
  get parkings(): number {
    return Atomics.load(this.cell, 1);
  }
}
