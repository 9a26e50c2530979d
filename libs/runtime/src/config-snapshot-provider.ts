import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';

import { ConfigSnapshot, type ConfigSnapshotOptions } from './config-snapshot';

/**
 * The base of a Nest provider that holds one ConfigSnapshot: loaded when its module starts
 * (before consumers and listeners), stopped with the module. The subclass names the snapshot
 * and its loader, and adds its own lookups, listeners and refresh.
 */
export abstract class ConfigSnapshotProvider<T> implements OnModuleInit, OnModuleDestroy {
  protected readonly snapshot: ConfigSnapshot<T>;

  protected constructor(prisma: PrismaClient, options: ConfigSnapshotOptions<T>) {
    this.snapshot = new ConfigSnapshot(prisma, options);
  }

  async onModuleInit(): Promise<void> {
    await this.snapshot.start();
  }

  onModuleDestroy(): void {
    this.snapshot.stop();
  }

  /** The configuration in memory. */
  get current(): T {
    return this.snapshot.current;
  }
}
