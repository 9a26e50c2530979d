import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import { IDEMPOTENCY_TTL_MS } from './idempotency';
import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

/**
 * Deletes idempotency keys older than 24 h, periodically. Expired rows are already ignored
 * (a new request takes the key over), so this only keeps the table small; every replica may
 * run it, the deletes do not conflict.
 */
@Injectable()
export class IdempotencyPurger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyPurger.name);
  private readonly sweep: PeriodicSweep<number>;
  private running: Promise<number> | null = null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INGRESS_OPTIONS) options: ResolvedIngressOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.purge(),
      intervalMs: options.idempotencyPurgeMs,
      logger: this.logger,
      failureMessage: 'purging expired idempotency keys failed',
    });
  }

  onModuleInit(): void {
    this.sweep.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep.stop();
    // A purge called directly may still run.
    await this.running?.catch(() => undefined);
  }

  /** Deletes the expired keys now; returns how many. */
  purge(): Promise<number> {
    this.running ??= (async () => {
      try {
        const cutoff = new Date(this.clock.now().getTime() - IDEMPOTENCY_TTL_MS);
        const { count } = await this.prisma.idempotencyKey.deleteMany({
          where: { createdAt: { lt: cutoff } },
        });
        return count;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
