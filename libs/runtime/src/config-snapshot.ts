import { Logger } from '@nestjs/common';
import { type PrismaClient, readConfigRevision } from '@tuxhat/database';

// Re-exported: services record their changes through the runtime they already depend on.
export { bumpConfigRevision, readConfigRevision } from '@tuxhat/database';

export interface ConfigSnapshotOptions<T> {
  /** Used in log lines, e.g. "tenant policies". */
  readonly name: string;
  /** Reads the whole configuration this snapshot holds. */
  readonly load: (prisma: PrismaClient) => Promise<T>;
  /** How often the revision row is read. */
  readonly pollMs?: number;
}

/**
 * In-memory configuration that follows the database: loaded at start, reloaded whenever the
 * config revision moves (admin changes bump it), so the hot path reads memory, never the
 * database, and changes apply on running services without a restart.
 */
export class ConfigSnapshot<T> {
  static readonly DEFAULT_POLL_MS = 1_000;
  private readonly logger: Logger;
  private value: T | undefined;
  private revision = -1n;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private readonly listeners: ((value: T) => void)[] = [];

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: ConfigSnapshotOptions<T>,
  ) {
    this.logger = new Logger(`ConfigSnapshot(${options.name})`);
  }

  /** Loads the configuration and starts following the revision. */
  async start(): Promise<void> {
    await this.refresh(true);
    this.timer = setInterval(() => {
      // A poll while a reload runs is redundant: that reload reads the revision itself.
      if (this.refreshing) return;
      this.refresh(false).catch((error: unknown) =>
        this.logger.warn(`refresh failed, keeping the previous configuration: ${String(error)}`),
      );
    }, this.options.pollMs ?? ConfigSnapshot.DEFAULT_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The current configuration. Throws before start() has loaded it once. */
  get current(): T {
    if (this.value === undefined) throw new Error(`${this.options.name} not loaded yet`);
    return this.value;
  }

  /** Called after every reload with the new value (e.g. to rebuild an index). */
  onChange(listener: (value: T) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reloads when the revision moved (or always, with force). Reloads run one at a time and a
   * call never joins one already running, which may have read the revision before the change
   * the caller wants to see: it queues behind it and reads again. Tests and read-your-writes
   * paths call it to avoid waiting for the poll.
   */
  refresh(force = false): Promise<void> {
    const previous = this.refreshing ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.reload(force))
      .finally(() => {
        if (this.refreshing === next) this.refreshing = null;
      });
    this.refreshing = next;
    return next;
  }

  private async reload(force: boolean): Promise<void> {
    const revision = await readConfigRevision(this.prisma);
    if (!force && revision === this.revision) return;
    const value = await this.options.load(this.prisma);
    this.value = value;
    this.revision = revision;
    for (const listener of this.listeners) listener(value);
  }
}
