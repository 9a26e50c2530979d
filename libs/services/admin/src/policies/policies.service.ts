import { Inject, Injectable } from '@nestjs/common';
import type { TenantPolicyDocument } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import { AdminChanges, type AdminTransaction, isUniqueViolation } from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { type Page, pageOf } from '../core/pagination';
import {
  type BalanceView,
  type CreateSuppression,
  type PolicyView,
  type SuppressionView,
  type TopUp,
  balanceView,
  defaultPolicyView,
  policyView,
  suppressionView,
} from './policies.dto';

type Db = AdminTransaction | PrismaClient;

/**
 * A tenant's policy (versioned: every change is a new version), its suppression list and its
 * prepaid balance. Every change goes through AdminChanges: audited, and the config revision
 * bumped, so the policy service applies a new policy within about a second.
 */
@Injectable()
export class PoliciesAdminService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly changes: AdminChanges,
  ) {}

  // ---- policies ----

  async getPolicy(tenantId: string): Promise<PolicyView> {
    await this.findTenant(this.prisma, tenantId);
    const current = await this.currentPolicy(this.prisma, tenantId);
    return current ? policyView(current) : defaultPolicyView(tenantId);
  }

  /** A new version, unless the document is the current one (then nothing is written). */
  async putPolicy(
    actor: AdminActor,
    tenantId: string,
    document: TenantPolicyDocument,
  ): Promise<PolicyView> {
    return this.changes.apply(actor, async (tx) => {
      await this.findTenant(tx, tenantId);
      const current = await this.currentPolicy(tx, tenantId);
      const before = current ? policyView(current) : null;
      if (before && sameJson(before.document, document)) return { result: before, audit: [] };
      const after = policyView(
        await tx.tenantPolicy.create({
          data: {
            tenantId,
            version: (current?.version ?? 0) + 1,
            document,
            createdBy: actor.name,
          },
        }),
      );
      return {
        result: after,
        audit: {
          action: 'tenant_policy.update',
          entity: 'tenant_policy',
          entityId: tenantId,
          before,
          after,
        },
      };
    });
  }

  async listPolicyVersions(
    tenantId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<PolicyView>> {
    await this.findTenant(this.prisma, tenantId);
    if (query.cursor !== undefined && !/^\d+$/.test(query.cursor)) {
      throw AdminProblem.validation([
        { field: 'cursor', code: 'cursor_invalid', message: 'is not a cursor of this list' },
      ]);
    }
    const before = query.cursor === undefined ? undefined : Number(query.cursor);
    const rows = await this.prisma.tenantPolicy.findMany({
      where: { tenantId, ...(before !== undefined ? { version: { lt: before } } : {}) },
      orderBy: { version: 'desc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, policyView, (row) => String(row.version));
  }

  // ---- suppressions ----

  async listSuppressions(
    tenantId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<SuppressionView>> {
    await this.findTenant(this.prisma, tenantId);
    const rows = await this.prisma.suppression.findMany({
      where: {
        tenantId,
        ...(query.cursor !== undefined ? { number: { gt: query.cursor } } : {}),
      },
      orderBy: { number: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, suppressionView, (row) => row.number);
  }

  async addSuppression(
    actor: AdminActor,
    tenantId: string,
    input: CreateSuppression,
  ): Promise<SuppressionView> {
    try {
      return await this.changes.apply(actor, async (tx) => {
        await this.findTenant(tx, tenantId);
        const after = suppressionView(
          await tx.suppression.create({
            data: { tenantId, number: input.number, reason: input.reason, source: 'admin' },
          }),
        );
        return {
          result: after,
          audit: suppressionAudit('create', tenantId, input.number, null, after),
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AdminProblem(
          'suppression_exists',
          `${input.number} is already on tenant "${tenantId}"'s suppression list`,
        );
      }
      throw error;
    }
  }

  async removeSuppression(actor: AdminActor, tenantId: string, number: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      await this.findTenant(tx, tenantId);
      const row = await tx.suppression.findUnique({
        where: { tenantId_number: { tenantId, number } },
      });
      if (!row) {
        throw new AdminProblem(
          'suppression_not_found',
          `${number} is not on tenant "${tenantId}"'s suppression list`,
        );
      }
      await tx.suppression.delete({ where: { tenantId_number: { tenantId, number } } });
      return {
        result: undefined,
        audit: suppressionAudit('delete', tenantId, number, suppressionView(row), null),
      };
    });
  }

  // ---- prepaid balance ----

  async getBalance(tenantId: string): Promise<BalanceView> {
    await this.findTenant(this.prisma, tenantId);
    const row = await this.prisma.tenantBalance.findUnique({ where: { tenantId } });
    if (!row) {
      throw new AdminProblem('balance_not_found', `tenant "${tenantId}" has no prepaid balance`);
    }
    return balanceView(row);
  }

  /**
   * Adds money to the balance, opening it in `currency` on the first top-up. Relative update:
   * reservations and settlements running at the same time are never overwritten.
   */
  async topUp(actor: AdminActor, tenantId: string, input: TopUp): Promise<BalanceView> {
    return this.changes.apply(actor, async (tx) => {
      await this.findTenant(tx, tenantId);
      const current = await tx.tenantBalance.findUnique({ where: { tenantId } });
      if (current && current.currency.trim() !== input.currency) {
        throw new AdminProblem(
          'balance_currency_mismatch',
          `tenant "${tenantId}"'s balance is in ${current.currency.trim()}, not ${input.currency}`,
        );
      }
      const amount = BigInt(input.amountMinor);
      const after = balanceView(
        current
          ? await tx.tenantBalance.update({
              where: { tenantId },
              data: { availableMinor: { increment: amount } },
            })
          : await tx.tenantBalance.create({
              data: { tenantId, currency: input.currency, availableMinor: amount },
            }),
      );
      return {
        result: after,
        audit: {
          action: 'tenant_balance.top_up',
          entity: 'tenant_balance',
          entityId: tenantId,
          before: current ? balanceView(current) : null,
          after,
        },
      };
    });
  }

  private async findTenant(db: Db, tenantId: string): Promise<void> {
    const tenant = await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (!tenant) throw new AdminProblem('tenant_not_found', `no tenant "${tenantId}"`);
  }

  private currentPolicy(db: Db, tenantId: string) {
    return db.tenantPolicy.findFirst({ where: { tenantId }, orderBy: { version: 'desc' } });
  }
}

function suppressionAudit(
  verb: 'create' | 'delete',
  tenantId: string,
  number: string,
  before: unknown,
  after: unknown,
) {
  return {
    action: `suppression.${verb}`,
    entity: 'suppression',
    entityId: `${tenantId}/${number}`,
    before,
    after,
  };
}

/** Equal as JSON, whatever the key order (jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
