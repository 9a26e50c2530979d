import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

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
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INGRESS_OPTIONS) private readonly options: ResolvedIngressOptions,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.purge().catch((error: unknown) =>
        this.logger.warn(`purging expired idempotency keys failed: ${String(error)}`),
      );
    }, this.options.idempotencyPurgeMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
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
