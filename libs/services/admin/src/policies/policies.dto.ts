import { type TenantPolicyDocument, e164, tenantPolicyDocument } from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { z } from 'zod';

import { pageQuery } from '../core/pagination';

// Tenant policies, suppression lists and prepaid balances (libs/services/policy/README.md). The
// policy document is @tuxhat/contracts' tenantPolicyDocument, the one the policy service applies.

// ---- policies ----

/** PUT body: a whole policy document; omitted fields take their defaults. */
export const putPolicySchema = tenantPolicyDocument;
export const listPolicyVersionsQuery = z.strictObject({ ...pageQuery });

export interface PolicyView {
  readonly tenantId: string;
  /** 0: the tenant has no stored policy and runs on the default one. */
  readonly version: number;
  readonly document: TenantPolicyDocument;
  readonly createdAt: string | null;
  readonly createdBy: string | null;
}

export function policyView(row: Prisma.TenantPolicyGetPayload<object>): PolicyView {
  return {
    tenantId: row.tenantId,
    version: row.version,
    document: row.document as TenantPolicyDocument,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}

export function defaultPolicyView(tenantId: string): PolicyView {
  return {
    tenantId,
    version: 0,
    document: tenantPolicyDocument.parse({}),
    createdAt: null,
    createdBy: null,
  };
}

// ---- suppressions ----

export const createSuppressionSchema = z.strictObject({
  number: e164,
  reason: z.string().min(1).max(256),
});
export const listSuppressionsQuery = z.strictObject({ ...pageQuery });
export type CreateSuppression = z.output<typeof createSuppressionSchema>;

export interface SuppressionView {
  readonly tenantId: string;
  readonly number: string;
  readonly reason: string;
  readonly source: string;
  readonly createdAt: string;
}

export function suppressionView(row: Prisma.SuppressionGetPayload<object>): SuppressionView {
  return {
    tenantId: row.tenantId,
    number: row.number,
    reason: row.reason,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  };
}

// ---- prepaid balance ----

export const topUpSchema = z.strictObject({
  /** Integer minor units (cents) to add; at most 10^13 (100 billion in a 2-decimal currency). */
  amountMinor: z.int().min(1).max(10_000_000_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR'),
});
export type TopUp = z.output<typeof topUpSchema>;

export interface BalanceView {
  readonly tenantId: string;
  readonly currency: string;
  /** What new messages can still reserve, in minor units. */
  readonly availableMinor: number;
  /** Held for messages not settled or released yet. */
  readonly reservedMinor: number;
  readonly updatedAt: string;
}

export function balanceView(row: Prisma.TenantBalanceGetPayload<object>): BalanceView {
  return {
    tenantId: row.tenantId,
    currency: row.currency.trim(),
    availableMinor: Number(row.availableMinor),
    reservedMinor: Number(row.reservedMinor),
    updatedAt: row.updatedAt.toISOString(),
  };
}
