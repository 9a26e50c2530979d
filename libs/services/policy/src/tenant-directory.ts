import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export type TenantState = 'active' | 'suspended';

/**
 * Tenants' states, held in memory so deciding on a message costs no database round trip.
 * Loaded at boot and refreshed on an interval; a tenant not known yet triggers one reload
 * (a tenant created since the last refresh), at most once per second.
 */
@Injectable()
export class TenantDirectory implements OnModuleInit, OnModuleDestroy {
  static readonly REFRESH_MS = 5_000;
  private readonly logger = new Logger(TenantDirectory.name);
  private states = new Map<string, TenantState>();
  private timer: NodeJS.Timeout | null = null;
  private lastLoad = 0;
  private loading: Promise<void> | null = null;

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) =>
        this.logger.warn(`tenant refresh failed: ${String(error)}`),
      );
    }, TenantDirectory.REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async stateOf(tenantId: string): Promise<TenantState | undefined> {
    const known = this.states.get(tenantId);
    if (known || Date.now() - this.lastLoad < 1_000) return known;
    await this.reload();
    return this.states.get(tenantId);
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const tenants = await this.prisma.tenant.findMany({ select: { id: true, status: true } });
        this.states = new Map(tenants.map((tenant) => [tenant.id, tenant.status]));
        this.lastLoad = Date.now();
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}
