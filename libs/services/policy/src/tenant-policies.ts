import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { ConfigSnapshot, PRISMA } from '@tuxhat/runtime';

import { CompiledPolicy } from './compiled-policy';
import { POLICY_OPTIONS, type ResolvedPolicyOptions } from './policy.options';

export interface TenantPolicyEntry {
  readonly tenantId: string;
  readonly status: 'active' | 'suspended';
  /** The policy in force, or why the stored one cannot be used (the tenant's messages are rejected). */
  readonly policy: CompiledPolicy | { readonly invalid: string; readonly version: number };
}

type Directory = ReadonlyMap<string, TenantPolicyEntry>;

/**
 * Every tenant's state and current policy (its highest version in tenant_policies), held in
 * memory through a ConfigSnapshot: loaded at start, reloaded when the config revision moves
 * (the admin API bumps it with every policy change), so deciding costs no database round trip
 * and a new policy applies without a restart.
 */
@Injectable()
export class TenantPolicies implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TenantPolicies.name);
  private readonly snapshot: ConfigSnapshot<Directory>;
  private lastForcedReload = 0;
  private unknownTenantReload: Promise<void> | null = null;

  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(POLICY_OPTIONS) options: ResolvedPolicyOptions,
  ) {
    this.snapshot = new ConfigSnapshot(prisma, {
      name: 'tenant policies',
      load: loadDirectory,
      pollMs: options.configPollMs,
    });
    this.snapshot.onChange((directory) => {
      for (const entry of directory.values()) {
        if ('invalid' in entry.policy) {
          this.logger.error(
            `tenant ${entry.tenantId}: policy v${entry.policy.version} is unusable, its messages are rejected: ${entry.policy.invalid}`,
          );
        }
      }
    });
  }

  async onModuleInit(): Promise<void> {
    await this.snapshot.start();
  }

  onModuleDestroy(): void {
    this.snapshot.stop();
  }

  /** The entry held in memory; undefined for a tenant unknown at the last reload. */
  get(tenantId: string): TenantPolicyEntry | undefined {
    return this.snapshot.current.get(tenantId);
  }

  /**
   * Entries for these tenants. A tenant not known yet (created since the last reload, before
   * its revision bump was seen) waits for one forced reload: reloads are shared by concurrent
   * callers and at most one a second, so a flood of messages from an unknown tenant cannot turn
   * into a flood of reloads (its messages wait up to a second, then are rejected).
   */
  async lookup(tenantIds: Iterable<string>): Promise<Map<string, TenantPolicyEntry | undefined>> {
    const ids = [...new Set(tenantIds)];
    const askedAt = Date.now();
    if (ids.some((id) => !this.get(id))) {
      await this.reloadForUnknownTenant();
      // A reload that was already running when we asked may predate the tenant: one more.
      if (ids.some((id) => !this.get(id)) && this.lastForcedReload < askedAt) {
        await this.reloadForUnknownTenant();
      }
    }
    return new Map(ids.map((id) => [id, this.get(id)]));
  }

  private reloadForUnknownTenant(): Promise<void> {
    this.unknownTenantReload ??= (async () => {
      const wait = this.lastForcedReload + 1_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastForcedReload = Date.now();
      await this.snapshot.refresh(true);
    })().finally(() => {
      this.unknownTenantReload = null;
    });
    return this.unknownTenantReload;
  }

  /** Reloads now (tests, and read-your-writes after an admin change in the same process). */
  refresh(): Promise<void> {
    return this.snapshot.refresh(true);
  }
}

async function loadDirectory(prisma: PrismaClient): Promise<Directory> {
  const [tenants, policies] = await Promise.all([
    prisma.tenant.findMany({ select: { id: true, status: true } }),
    prisma.$queryRaw<{ tenant_id: string; version: number; document: unknown }[]>(Prisma.sql`
      SELECT DISTINCT ON (tenant_id) tenant_id, version, document
      FROM tenant_policies
      ORDER BY tenant_id, version DESC`),
  ]);
  const current = new Map(policies.map((row) => [row.tenant_id, row]));
  const directory = new Map<string, TenantPolicyEntry>();
  for (const tenant of tenants) {
    const stored = current.get(tenant.id);
    const compiled = stored
      ? CompiledPolicy.compile(stored.version, stored.document)
      : CompiledPolicy.DEFAULT;
    directory.set(tenant.id, {
      tenantId: tenant.id,
      status: tenant.status,
      policy:
        'invalid' in compiled
          ? { invalid: compiled.invalid, version: stored?.version ?? 0 }
          : compiled,
    });
  }
  return directory;
}
