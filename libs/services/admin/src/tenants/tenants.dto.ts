import { API_KEY_SCOPES } from '@tuxhat/config';
import type { ApiKey, Tenant } from '@tuxhat/database';
import { z } from 'zod';

import { pageQuery } from '../core/pagination';
import { displayName, slug } from '../core/slug';

export const TENANT_STATUSES = ['active', 'suspended'] as const;

export const createTenantSchema = z.strictObject({
  id: slug('tenant_id_invalid'),
  name: displayName(128),
  status: z.enum(TENANT_STATUSES).default('active'),
});

export const updateTenantSchema = z
  .strictObject({
    name: displayName(128).optional(),
    status: z.enum(TENANT_STATUSES).optional(),
  })
  .refine((value) => value.name !== undefined || value.status !== undefined, {
    message: 'give at least one of name, status',
    params: { code: 'nothing_to_update' },
  });

export const listTenantsQuery = z.strictObject({
  status: z.enum(TENANT_STATUSES).optional(),
  ...pageQuery,
});

export const createApiKeySchema = z.strictObject({
  name: displayName(64),
  scopes: z
    .array(z.enum(API_KEY_SCOPES))
    .min(1, 'give at least one scope')
    .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope')
    .default([...API_KEY_SCOPES]),
});

export const listApiKeysQuery = z.strictObject({ ...pageQuery });

export type CreateTenant = z.output<typeof createTenantSchema>;
export type UpdateTenant = z.output<typeof updateTenantSchema>;
export type CreateApiKey = z.output<typeof createApiKeySchema>;

export interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly status: (typeof TENANT_STATUSES)[number];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A tenant's API key as listed and audited: never the key, never its hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly tenantId: string;
  readonly prefix: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

/** The answer to creating a key: the only time the key itself is shown. */
export interface CreatedApiKey extends ApiKeyView {
  readonly key: string;
}

export function tenantView(row: Tenant): TenantView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function apiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    prefix: row.prefix,
    name: row.name,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
