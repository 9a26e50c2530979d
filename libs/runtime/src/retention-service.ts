import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { RetentionSweep, type RetentionTable } from './retention';
import type { Clock } from './service-runtime';

/**
 * A service's retention as a Nest provider: its tables, deleted by a RetentionSweep that starts
 * with the application and stops with it. A subclass injects what its statements need and lists
 * its tables; `sweep.purge()` deletes everything past the retention at once (tests).
 */
export abstract class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private built: RetentionSweep | null = null;

  protected constructor(
    private readonly retentionMs: number | null,
    private readonly clock: Clock,
  ) {}

  /** The tables, in the order each round deletes them (called once, after construction). */
  abstract tables(): readonly RetentionTable[];

  get sweep(): RetentionSweep {
    this.built ??= new RetentionSweep({
      retentionMs: this.retentionMs,
      clock: this.clock,
      logger: new Logger(this.constructor.name),
      tables: this.tables(),
    });
    return this.built;
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.sweep.stop();
  }
}
