import { Inject, Injectable, Logger } from '@nestjs/common';
import { tenantPolicyDocument } from '@tuxhat/contracts';
import {
  BillingEngine,
  DEFAULT_TENANT_BILLING,
  type TenantBilling,
  loadBillingConfig,
} from '@tuxhat/billing';
import type { PrismaClient } from '@tuxhat/database';
import { ConfigSnapshotProvider, PRISMA } from '@tuxhat/runtime';

import { ACCOUNTING_OPTIONS, type AccountingOptions } from './accounting.options';
import { NetworkDirectory } from './destination-info';

/** What accounting reads from configuration: prices, billing rules and settings, number ranges. */
export interface AccountingConfig {
  readonly billing: BillingEngine;
  readonly tenantBilling: ReadonlyMap<string, TenantBilling>;
  readonly networks: NetworkDirectory;
}

const billingSettings = tenantPolicyDocument.shape.billing;

/**
 * The configuration in memory, following admin changes (ConfigSnapshot: one indexed read a
 * second, a reload when the config revision moves). The hot path never queries it.
 */
@Injectable()
export class AccountingConfigSnapshot extends ConfigSnapshotProvider<AccountingConfig> {
  private readonly logger = new Logger(AccountingConfigSnapshot.name);

  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(ACCOUNTING_OPTIONS) private readonly options: AccountingOptions,
  ) {
    super(prisma, {
      name: 'accounting',
      load: (client) => this.load(client),
      pollMs: options.configPollMs,
    });
  }

  tenantBilling(tenantId: string): TenantBilling {
    return this.current.tenantBilling.get(tenantId) ?? DEFAULT_TENANT_BILLING;
  }

  /** Reloads now if the configuration changed (tests, read-your-writes). */
  refresh(): Promise<void> {
    return this.snapshot.refresh();
  }

  private async load(prisma: PrismaClient): Promise<AccountingConfig> {
    const [billingConfig, policies, ranges] = await Promise.all([
      loadBillingConfig(prisma),
      // The latest version of each tenant's policy is the one in force.
      prisma.tenantPolicy.findMany({
        orderBy: [{ tenantId: 'asc' }, { version: 'desc' }],
        distinct: ['tenantId'],
        select: { tenantId: true, document: true },
      }),
      prisma.numberRange.findMany({ select: { prefix: true, network: true } }),
    ]);
    const billing = new BillingEngine(billingConfig, this.options.currency);
    for (const error of billing.configErrors)
      this.logger.error(`${error.message}: rule skipped until it is fixed`);
    const tenantBilling = new Map<string, TenantBilling>();
    for (const policy of policies) {
      const document = policy.document as { billing?: unknown } | null;
      const parsed = billingSettings.safeParse(document?.billing);
      if (parsed.success) tenantBilling.set(policy.tenantId, parsed.data);
      else
        this.logger.error(
          `tenant ${policy.tenantId}: policy billing settings invalid, using postpaid/submit`,
        );
    }
    return { billing, tenantBilling, networks: new NetworkDirectory(ranges) };
  }
}
