import { Readable } from 'node:stream';

import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  AccountingQueries,
  EXPORT_CONTENT_TYPES,
  type ExportFormat,
  billingRuleParamsIssues,
  exportLines,
  monthPeriod,
} from '@tuxhat/billing';
import { policyTimeZone } from '@tuxhat/contracts';
import type { Prisma, PrismaClient } from '@tuxhat/database';
import { fieldErrorsFromZod } from '@tuxhat/http-problem';
import { PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import {
  AdminChanges,
  type AdminTransaction,
  auditEntry,
  createUniquely,
} from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { type Page, pageOf } from '../core/pagination';
import {
  type BillingRuleView,
  type CreateBillingRule,
  type CreateTariff,
  type TariffView,
  type UpdateBillingRule,
  type UpdateTariff,
  type UsageQuery,
  type UsageView,
  billingRuleView,
  tariffView,
  unknownTenant,
} from './accounting.dto';

type Db = AdminTransaction | PrismaClient;

/** An export on its way out: streamed, never held in memory whole. */
export interface RecordExport {
  readonly stream: Readable;
  readonly contentType: string;
  readonly fileName: string;
}

/**
 * Tariffs, billing rules, usage and exports. Every change goes through AdminChanges (audited,
 * config revision bumped: accounting and policy reload prices within a second).
 */
@Injectable()
export class AccountingAdminService {
  private readonly logger = new Logger(AccountingAdminService.name);
  private readonly queries: AccountingQueries;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly changes: AdminChanges,
  ) {
    this.queries = new AccountingQueries(prisma);
  }

  // ---- tariffs ----

  async createTariff(actor: AdminActor, input: CreateTariff): Promise<TariffView> {
    return createUniquely('tariff_exists', `a tariff with id "${input.id}" already exists`, () =>
      this.changes.apply(actor, async (tx) => {
        await this.checkTariff(tx, input.id, input);
        const after = tariffView(await tx.tariff.create({ data: input }));
        return { result: after, audit: audit('tariff', 'create', input.id, null, after) };
      }),
    );
  }

  async getTariff(id: string): Promise<TariffView> {
    return tariffView(await this.findTariff(this.prisma, id));
  }

  async listTariffs(query: {
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<TariffView>> {
    const rows = await this.prisma.tariff.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, tariffView, (row) => row.id);
  }

  async updateTariff(actor: AdminActor, id: string, input: UpdateTariff): Promise<TariffView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findTariff(tx, id);
      const before = tariffView(current);
      const next = {
        tenantId: input.tenantId !== undefined ? input.tenantId : current.tenantId,
        prefix: input.prefix ?? current.prefix,
        classOfService:
          input.classOfService !== undefined ? input.classOfService : current.classOfService,
        priceMinor: input.priceMinor ?? current.priceMinor,
        currency: input.currency ?? current.currency,
      };
      await this.checkTariff(tx, id, next);
      const after = tariffView(await tx.tariff.update({ where: { id }, data: next }));
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('tariff', 'update', id, before, after) };
    });
  }

  async deleteTariff(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = tariffView(await this.findTariff(tx, id));
      await tx.tariff.delete({ where: { id } });
      return { result: undefined, audit: audit('tariff', 'delete', id, before, null) };
    });
  }

  // ---- billing rules ----

  async createBillingRule(actor: AdminActor, input: CreateBillingRule): Promise<BillingRuleView> {
    checkParams(input.rule, input.params);
    return createUniquely(
      'billing_rule_exists',
      `a billing rule with id "${input.id}" already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          await this.checkTenant(tx, input.tenantId);
          const after = billingRuleView(
            await tx.billingRule.create({
              data: { ...input, params: input.params as Prisma.InputJsonObject },
            }),
          );
          return { result: after, audit: audit('billing_rule', 'create', input.id, null, after) };
        }),
    );
  }

  async getBillingRule(id: string): Promise<BillingRuleView> {
    return billingRuleView(await this.findBillingRule(this.prisma, id));
  }

  async listBillingRules(query: {
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<BillingRuleView>> {
    const rows = await this.prisma.billingRule.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, billingRuleView, (row) => row.id);
  }

  async updateBillingRule(
    actor: AdminActor,
    id: string,
    input: UpdateBillingRule,
  ): Promise<BillingRuleView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findBillingRule(tx, id);
      const before = billingRuleView(current);
      if (input.params !== undefined) checkParams(current.rule, input.params);
      if (input.tenantId !== undefined) await this.checkTenant(tx, input.tenantId);
      const after = billingRuleView(
        await tx.billingRule.update({
          where: { id },
          data: {
            ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
            ...(input.params !== undefined
              ? { params: input.params as Prisma.InputJsonObject }
              : {}),
            ...(input.position !== undefined ? { position: input.position } : {}),
            ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          },
        }),
      );
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('billing_rule', 'update', id, before, after) };
    });
  }

  async deleteBillingRule(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = billingRuleView(await this.findBillingRule(tx, id));
      await tx.billingRule.delete({ where: { id } });
      return { result: undefined, audit: audit('billing_rule', 'delete', id, before, null) };
    });
  }

  // ---- usage and export ----

  /** Monthly usage per tenant from the accounting records (one aggregate query). */
  async usage(query: UsageQuery): Promise<UsageView> {
    const timeZone = await this.usageZone(query);
    const period = monthPeriod(query.month, timeZone)!;
    const report = await this.queries.usage({ ...period, tenantId: query.tenantId });
    return { month: query.month, timeZone, ...report };
  }

  /**
   * The zone asked for; else one tenant's policy zone, so the operator sees the figures the
   * tenant's GET /v1/usage and its quota see; else UTC (the billing view across tenants).
   */
  private async usageZone(query: UsageQuery): Promise<string> {
    if (query.timeZone !== undefined) return query.timeZone;
    if (query.tenantId === undefined) return 'UTC';
    const current = await this.prisma.tenantPolicy.findFirst({
      where: { tenantId: query.tenantId },
      orderBy: { version: 'desc' },
      select: { document: true },
    });
    return policyTimeZone(current?.document);
  }

  /** The period's final records, streamed as NDJSON (one record per line) or CSV. */
  export(query: { tenantId?: string; from: Date; to: Date; format: ExportFormat }): RecordExport {
    const lines = exportLines(this.queries.records(query), query.format);
    const stream = Readable.from(lines, { objectMode: false });
    stream.on('error', (error) =>
      this.logger.error(`accounting export failed midway: ${String(error)}`),
    );
    const scope = query.tenantId ?? 'all';
    const day = (date: Date) => date.toISOString().slice(0, 10);
    return {
      stream,
      contentType: EXPORT_CONTENT_TYPES[query.format],
      fileName: `accounting-${scope}-${day(query.from)}-${day(query.to)}.${query.format}`,
    };
  }

  // ---- checks ----

  /**
   * One tariff per (tenant, prefix, class): the unique index cannot see two nulls as equal, and
   * two tariffs for the same thing would make the price depend on load order.
   */
  private async checkTariff(
    tx: Db,
    id: string,
    tariff: { tenantId: string | null; prefix: string; classOfService: string | null },
  ): Promise<void> {
    await this.checkTenant(tx, tariff.tenantId);
    const twin = await tx.tariff.findFirst({
      where: {
        id: { not: id },
        tenantId: tariff.tenantId,
        prefix: tariff.prefix,
        classOfService: tariff.classOfService,
      },
      select: { id: true },
    });
    if (twin) {
      throw new AdminProblem(
        'tariff_exists',
        `tariff "${twin.id}" already covers ${tariff.tenantId ?? 'every tenant'} prefix "${tariff.prefix}" class ${tariff.classOfService ?? 'any'}`,
      );
    }
  }

  private async checkTenant(tx: Db, tenantId: string | null): Promise<void> {
    if (tenantId !== null && !(await tx.tenant.findUnique({ where: { id: tenantId } })))
      throw unknownTenant(tenantId);
  }

  private async findTariff(db: Db, id: string) {
    const tariff = await db.tariff.findUnique({ where: { id } });
    if (!tariff) throw new AdminProblem('tariff_not_found', `no tariff "${id}"`);
    return tariff;
  }

  private async findBillingRule(db: Db, id: string) {
    const rule = await db.billingRule.findUnique({ where: { id } });
    if (!rule) throw new AdminProblem('billing_rule_not_found', `no billing rule "${id}"`);
    return rule;
  }
}

/** A rule's parameters must suit its type: `validation_failed` with paths under `params`. */
function checkParams(rule: string, params: unknown): void {
  const issues = billingRuleParamsIssues(rule, params);
  if (issues.length > 0) throw AdminProblem.validation(fieldErrorsFromZod(issues));
}

const audit = auditEntry;

/** Same content, updatedAt aside: a no-op change is neither audited nor a reload. */
function unchanged(before: { updatedAt: string }, after: { updatedAt: string }): boolean {
  const { updatedAt: _before, ...a } = before;
  const { updatedAt: _after, ...b } = after;
  return JSON.stringify(a) === JSON.stringify(b);
}
