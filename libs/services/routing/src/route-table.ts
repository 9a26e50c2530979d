import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

export interface RouteEntry {
  readonly id: string;
  readonly priority: number;
  readonly tenantId: string | null;
  readonly destinationPrefix: string | null;
  readonly carrierId: string;
}

export type RouteMatch =
  | { readonly matched: true; readonly route: RouteEntry; readonly skipped: readonly string[] }
  | { readonly matched: false; readonly skipped: readonly string[] };

/**
 * Routes and the carriers they may use, held in memory (a routing decision costs no database
 * round trip), ordered by priority, refreshed on an interval. The admin API (issue 3/4) will
 * push changes instead of waiting for the refresh.
 */
@Injectable()
export class RouteTable implements OnModuleInit, OnModuleDestroy {
  static readonly REFRESH_MS = 5_000;
  private readonly logger = new Logger(RouteTable.name);
  private routes: readonly RouteEntry[] = [];
  private enabledCarriers = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => {
      this.reload().catch((error: unknown) =>
        this.logger.warn(`route refresh failed: ${String(error)}`),
      );
    }, RouteTable.REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    const [routes, carriers] = await Promise.all([
      this.prisma.route.findMany({ orderBy: [{ priority: 'asc' }, { id: 'asc' }] }),
      this.prisma.carrier.findMany({ where: { enabled: true }, select: { id: true } }),
    ]);
    this.routes = routes;
    this.enabledCarriers = new Set(carriers.map((carrier) => carrier.id));
  }

  /** The first route, by priority, that matches the message and whose carrier is enabled. */
  match(tenantId: string, destination: string): RouteMatch {
    return matchRoute(this.routes, this.enabledCarriers, tenantId, destination);
  }
}

export function matchRoute(
  routes: readonly RouteEntry[],
  enabledCarriers: ReadonlySet<string>,
  tenantId: string,
  destination: string,
): RouteMatch {
  const skipped: string[] = [];
  for (const route of routes) {
    if (route.tenantId !== null && route.tenantId !== tenantId) continue;
    if (route.destinationPrefix !== null && !destination.startsWith(route.destinationPrefix))
      continue;
    if (!enabledCarriers.has(route.carrierId)) {
      skipped.push(`${route.id} (carrier ${route.carrierId} disabled)`);
      continue;
    }
    return { matched: true, route, skipped };
  }
  return { matched: false, skipped };
}
