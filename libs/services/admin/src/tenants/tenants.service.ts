import { Inject, Injectable } from '@nestjs/common';
import { generateApiKey } from '@tuxhat/config';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import {
  AdminChanges,
  type AdminTransaction,
  auditEntry,
  isUniqueViolation,
} from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { type Page, pageOf } from '../core/pagination';
import {
  type ApiKeyView,
  type CreateApiKey,
  type CreateTenant,
  type CreatedApiKey,
  type TenantView,
  type UpdateTenant,
  apiKeyView,
  tenantView,
} from './tenants.dto';
import { clientCertificateView } from './client-certificates.dto';
import { revokeCredential } from './credential-revocation';

/** Tenants and their API keys. Every change goes through AdminChanges (audit + hot reload). */
@Injectable()
export class TenantsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly changes: AdminChanges,
  ) {}

  async create(actor: AdminActor, input: CreateTenant): Promise<TenantView> {
    try {
      return await this.changes.apply(actor, async (tx) => {
        const after = tenantView(await tx.tenant.create({ data: input }));
        return {
          result: after,
          audit: {
            action: 'tenant.create',
            entity: 'tenant',
            entityId: input.id,
            before: null,
            after,
          },
        };
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AdminProblem('tenant_exists', `a tenant with id "${input.id}" already exists`);
      }
      throw error;
    }
  }

  async get(id: string): Promise<TenantView> {
    return tenantView(await findTenant(this.prisma, id));
  }

  async list(query: {
    status?: TenantView['status'];
    limit: number;
    cursor?: string;
  }): Promise<Page<TenantView>> {
    const rows = await this.prisma.tenant.findMany({
      where: {
        ...(query.status ? { status: query.status } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, tenantView, (row) => row.id);
  }

  async update(actor: AdminActor, id: string, input: UpdateTenant): Promise<TenantView> {
    return this.changes.apply(actor, async (tx) => {
      const before = tenantView(await findTenant(tx, id));
      const unchanged =
        (input.name ?? before.name) === before.name &&
        (input.status ?? before.status) === before.status;
      if (unchanged) return { result: before, audit: [] };
      const after = tenantView(await tx.tenant.update({ where: { id }, data: input }));
      return {
        result: after,
        audit: { action: 'tenant.update', entity: 'tenant', entityId: id, before, after },
      };
    });
  }

  /**
   * Deletes a tenant that has never sent a message, with its keys and client certificates (a
   * mistake undone). A tenant with history is suspended instead (PATCH status), so its messages
   * and accounting keep their tenant: 409 tenant_in_use.
   */
  async delete(actor: AdminActor, id: string): Promise<void> {
    try {
      await this.changes.apply(actor, async (tx) => {
        const tenant = await findTenant(tx, id);
        if (await tx.message.findFirst({ where: { tenantId: id }, select: { id: true } })) {
          throw inUse(id);
        }
        const keys = await tx.apiKey.findMany({ where: { tenantId: id } });
        const certificates = await tx.clientCertificate.findMany({ where: { tenantId: id } });
        await tx.tenant.delete({ where: { id } });
        return {
          result: undefined,
          audit: [
            ...keys.map((key) => ({
              action: 'api_key.delete',
              entity: 'api_key',
              entityId: key.id,
              before: apiKeyView(key),
              after: null,
            })),
            ...certificates.map((certificate) =>
              auditEntry(
                'client_certificate',
                'delete',
                certificate.fingerprint,
                clientCertificateView(certificate),
                null,
              ),
            ),
            {
              action: 'tenant.delete',
              entity: 'tenant',
              entityId: id,
              before: tenantView(tenant),
              after: null,
            },
          ],
        };
      });
    } catch (error) {
      // Rows of other features that keep the tenant (restrictive foreign keys).
      if (isForeignKeyViolation(error)) throw inUse(id);
      throw error;
    }
  }

  async createApiKey(
    actor: AdminActor,
    tenantId: string,
    input: CreateApiKey,
  ): Promise<CreatedApiKey> {
    const generated = generateApiKey();
    return this.changes.apply(actor, async (tx) => {
      await findTenant(tx, tenantId);
      const row = await tx.apiKey.create({
        data: {
          // The prefix is unique and public: it is the key's id, as for keys from the config file.
          id: generated.prefix,
          tenantId,
          prefix: generated.prefix,
          secretHash: generated.sha256,
          name: input.name,
          scopes: [...input.scopes],
          createdAt: this.clock.now(),
        },
      });
      const after = apiKeyView(row);
      return {
        result: { ...after, key: generated.key },
        audit: {
          action: 'api_key.create',
          entity: 'api_key',
          entityId: row.id,
          before: null,
          after,
        },
      };
    });
  }

  async listApiKeys(
    tenantId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<ApiKeyView>> {
    await findTenant(this.prisma, tenantId);
    const rows = await this.prisma.apiKey.findMany({
      where: { tenantId, ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}) },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, apiKeyView, (row) => row.id);
  }

  /** Revokes a key at once; revoking a revoked key changes nothing and answers it as it is. */
  async revokeApiKey(actor: AdminActor, tenantId: string, keyId: string): Promise<ApiKeyView> {
    return this.changes.apply(actor, async (tx) => {
      await findTenant(tx, tenantId);
      return revokeCredential({
        row: await tx.apiKey.findUnique({ where: { id: keyId } }),
        tenantId,
        now: this.clock.now(),
        entity: 'api_key',
        id: keyId,
        view: apiKeyView,
        notFound: () =>
          new AdminProblem('api_key_not_found', `tenant "${tenantId}" has no API key "${keyId}"`),
        revoke: (row, now) => tx.apiKey.update({ where: { id: row.id }, data: { revokedAt: now } }),
      });
    });
  }
}

/** The tenant, or 404 `tenant_not_found`. */
export async function findTenant(db: AdminTransaction | PrismaClient, id: string) {
  const tenant = await db.tenant.findUnique({ where: { id } });
  if (!tenant) throw new AdminProblem('tenant_not_found', `no tenant "${id}"`);
  return tenant;
}

function inUse(id: string): AdminProblem {
  return new AdminProblem(
    'tenant_in_use',
    `tenant "${id}" has messages or other records; suspend it instead (PATCH status "suspended")`,
  );
}

function isForeignKeyViolation(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    (error.code === 'P2003' || error.code === 'P2014' || error.code === 'P2039')
  );
}
