import { priorityClass, tenantId, timeZoneName } from '@tuxhat/contracts';
import {
  type ExportFormat,
  type UsageReport,
  billingRuleDocument,
  monthPeriod,
  tariffDocument,
} from '@tuxhat/billing';
import type { Prisma } from '@tuxhat/database';
import { z } from 'zod';

import { AdminProblem } from '../core/admin-problem';
import { pageQuery } from '../core/pagination';
import { slug } from '../core/slug';

// Accounting and billing (libs/services/accounting/README.md, libs/billing/README.md). The
// documents are defined in @tuxhat/billing, shared with the services that apply them.

const nothingToUpdate = {
  message: 'give at least one field to change',
  params: { code: 'nothing_to_update' },
};
const hasAny = (value: object) => Object.values(value).some((field) => field !== undefined);

// ---- tariffs ----

export const createTariffSchema = z.strictObject({
  id: slug('field_invalid'),
  ...tariffDocument.shape,
});
export const updateTariffSchema = z
  .strictObject({
    tenantId: tenantId.nullable().optional(),
    prefix: tariffDocument.shape.prefix.unwrap().optional(),
    classOfService: priorityClass.nullable().optional(),
    priceMinor: tariffDocument.shape.priceMinor.optional(),
    currency: tariffDocument.shape.currency.optional(),
  })
  .refine(hasAny, nothingToUpdate);
export const listTariffsQuery = z.strictObject({
  tenantId: tenantId.optional(),
  ...pageQuery,
});
export type CreateTariff = z.output<typeof createTariffSchema>;
export type UpdateTariff = z.output<typeof updateTariffSchema>;

export interface TariffView {
  readonly id: string;
  readonly tenantId: string | null;
  readonly prefix: string;
  readonly classOfService: string | null;
  readonly priceMinor: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function tariffView(row: Prisma.TariffGetPayload<object>): TariffView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    prefix: row.prefix,
    classOfService: row.classOfService,
    priceMinor: row.priceMinor,
    currency: row.currency,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- billing rules ----

export const createBillingRuleSchema = z.strictObject({
  id: slug('field_invalid'),
  ...billingRuleDocument.shape,
});
/** A rule's type never changes (that is another rule); everything else may. */
export const updateBillingRuleSchema = z
  .strictObject({
    tenantId: tenantId.nullable().optional(),
    params: billingRuleDocument.shape.params.unwrap().optional(),
    position: billingRuleDocument.shape.position.unwrap().optional(),
    enabled: z.boolean().optional(),
  })
  .refine(hasAny, nothingToUpdate);
export const listBillingRulesQuery = z.strictObject({
  tenantId: tenantId.optional(),
  ...pageQuery,
});
export type CreateBillingRule = z.output<typeof createBillingRuleSchema>;
export type UpdateBillingRule = z.output<typeof updateBillingRuleSchema>;

export interface BillingRuleView {
  readonly id: string;
  readonly tenantId: string | null;
  readonly rule: string;
  readonly params: unknown;
  readonly position: number;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function billingRuleView(row: Prisma.BillingRuleGetPayload<object>): BillingRuleView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    rule: row.rule,
    params: row.params,
    position: row.position,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- usage and export ----

export const usageQuery = z.strictObject({
  /** Calendar month, `YYYY-MM`, in the zone below. */
  month: z.string().refine((value) => monthPeriod(value) !== undefined, {
    message: 'a month as YYYY-MM, e.g. 2026-11',
  }),
  tenantId: tenantId.optional(),
  /**
   * The zone to count the month in. Absent: the tenant's policy zone when `tenantId` is given
   * (the figures the tenant and its quota see), else UTC.
   */
  timeZone: timeZoneName.optional(),
});
export type UsageQuery = z.output<typeof usageQuery>;

/** The report, with the month and the zone it was counted in. */
export type UsageView = UsageReport & { readonly month: string; readonly timeZone: string };

/** Exports cover at most this long a period (a year and a day, for a leap year). */
const MAX_EXPORT_DAYS = 367;

export const exportQuery = z
  .strictObject({
    tenantId: tenantId.optional(),
    /** Acceptance time, inclusive. */
    from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    /** Acceptance time, exclusive. */
    to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)),
    format: z.enum(['ndjson', 'csv'] satisfies ExportFormat[]).default('ndjson'),
  })
  .refine((query) => query.from < query.to, { message: 'from must be before to', path: ['to'] })
  .refine((query) => query.to.getTime() - query.from.getTime() <= MAX_EXPORT_DAYS * 86_400_000, {
    message: `a period of at most ${MAX_EXPORT_DAYS} days`,
    path: ['to'],
  });

export function unknownTenant(id: string): AdminProblem {
  return AdminProblem.validation([
    { field: 'tenantId', code: 'reference_unknown', message: `no tenant "${id}"` },
  ]);
}
