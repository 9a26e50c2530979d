import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

/**
 * `api_keys.last_used_at`, written in batches: a request only notes the time in memory, and one
 * UPDATE every few seconds writes every key used since (never a write per request). The column
 * moves forward only, so replicas writing at once cannot move it back.
 */
@Injectable()
export class ApiKeyUsageRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyUsageRecorder.name);
  private pending = new Map<string, Date>();
  private readonly sweep: PeriodicSweep<void>;
  private flushing: Promise<void> | null = null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(INGRESS_OPTIONS) options: ResolvedIngressOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.flush(),
      intervalMs: options.keyUsageFlushMs,
      logger: this.logger,
      // flush() logs its own failures and never throws.
      failureMessage: 'recording API key use failed',
    });
  }

  onModuleInit(): void {
    this.sweep.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep.stop();
    await this.flush();
  }

  used(keyId: string, at: Date): void {
    const known = this.pending.get(keyId);
    if (!known || known < at) this.pending.set(keyId, at);
  }

  /** Writes what was noted so far; concurrent calls share one write. Never throws. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const times = ids.map((id) => batch.get(id)!.toISOString());
    try {
      await this.prisma.$executeRaw(Prisma.sql`
        UPDATE api_keys AS k SET last_used_at = u.at
        FROM unnest(${ids}::text[], ${times}::timestamptz[]) AS u (id, at)
        WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`);
    } catch (error) {
      // Bookkeeping only: keep the times for the next round rather than fail anything.
      for (const [id, at] of batch) this.used(id, at);
      this.logger.warn(`could not record API key use: ${String(error)}`);
    }
  }
}
