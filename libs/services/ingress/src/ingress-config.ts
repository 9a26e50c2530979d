import { Inject, Injectable, Logger } from '@nestjs/common';
import { API_KEY_SCOPES, type ApiKeyScope } from '@tuxhat/config';
import { type PriorityClass, tenantPolicyDocument } from '@tuxhat/contracts';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { ConfigSnapshotProvider, PRISMA } from '@tuxhat/runtime';

import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

/** The API scopes a key can carry (`send`, `read`). A key with none has them all. */
export type ApiScope = ApiKeyScope;

export interface StoredKey {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  /** Null: revoked never; in the future: works until then. */
  readonly revokedAt: Date | null;
  readonly scopes: ReadonlySet<ApiScope>;
}

/** A TLS client certificate registered for a tenant (table client_certificates). */
export interface StoredCertificate {
  readonly fingerprint: string;
  readonly tenantId: string;
  /** Null: revoked never; in the future: works until then. */
  readonly revokedAt: Date | null;
  readonly scopes: ReadonlySet<ApiScope>;
}

/** A tenant's rate in reject mode (policy document `rate` with overLimit `reject`). */
export interface RejectRate {
  readonly messagesPerSecond: number;
  readonly burst: number;
  /** The classes it limits (`rate.classes`); the others are not limited. */
  readonly classes: ReadonlySet<PriorityClass>;
}

/** A tenant's monthly quota (policy document `monthlyQuota`), for GET /v1/usage. */
export interface MonthlyQuota {
  /** The policy's zone: months are counted in it. */
  readonly timeZone: string;
  readonly messages: number | null;
  readonly parts: number | null;
}

/**
 * What ingress holds in memory: keys by public prefix, client certificates by fingerprint,
 * reject-mode rates and quotas by tenant.
 */
export interface IngressConfig {
  readonly keys: ReadonlyMap<string, StoredKey>;
  readonly certificates: ReadonlyMap<string, StoredCertificate>;
  readonly rates: ReadonlyMap<string, RejectRate>;
  readonly quotas: ReadonlyMap<string, MonthlyQuota>;
}

const logger = new Logger('IngressConfig');

/**
 * Reads everything at once: every API key and client certificate that is not revoked yet (a few
 * hundred bytes each; thousands fit easily) and the latest policy version of each tenant (table
 * tenant_policies, written by the admin API, applied by the policy service). Called at start
 * and whenever the config revision moves.
 */
export async function loadIngressConfig(prisma: PrismaClient, now: Date): Promise<IngressConfig> {
  const unrevoked = { OR: [{ revokedAt: null }, { revokedAt: { gt: now } }] };
  const [keys, certificates, policies] = await Promise.all([
    prisma.apiKey.findMany({
      where: unrevoked,
      select: {
        id: true,
        tenantId: true,
        prefix: true,
        secretHash: true,
        revokedAt: true,
        scopes: true,
      },
    }),
    prisma.clientCertificate.findMany({
      where: unrevoked,
      select: { fingerprint: true, tenantId: true, revokedAt: true, scopes: true },
    }),
    prisma.$queryRaw<{ tenant_id: string; document: unknown }[]>(Prisma.sql`
      SELECT DISTINCT ON (tenant_id) tenant_id, document
      FROM tenant_policies
      ORDER BY tenant_id, version DESC`),
  ]);
  const rates = new Map<string, RejectRate>();
  const quotas = new Map<string, MonthlyQuota>();
  for (const policy of policies) {
    const parsed = tenantPolicyDocument.safeParse(policy.document);
    if (!parsed.success) {
      // Written through the admin API's validation, so this is someone's hand edit; the
      // tenant keeps no ingress limit rather than failing every reload.
      logger.warn(`tenant ${policy.tenant_id}: policy document does not parse, no rate applied`);
      continue;
    }
    const { rate, monthlyQuota, timeZone } = parsed.data;
    quotas.set(policy.tenant_id, {
      timeZone,
      messages: monthlyQuota?.messages ?? null,
      parts: monthlyQuota?.parts ?? null,
    });
    if (rate && rate.overLimit === 'reject') {
      rates.set(policy.tenant_id, {
        messagesPerSecond: rate.messagesPerSecond,
        burst: rate.burst,
        classes: new Set(rate.classes),
      });
    }
  }
  return {
    keys: new Map(
      keys.map((key) => [
        key.prefix,
        {
          id: key.id,
          tenantId: key.tenantId,
          secretHash: key.secretHash,
          revokedAt: key.revokedAt,
          scopes: scopesOf(key.scopes),
        },
      ]),
    ),
    certificates: new Map(
      certificates.map((certificate) => [
        certificate.fingerprint,
        { ...certificate, scopes: scopesOf(certificate.scopes) },
      ]),
    ),
    rates,
    quotas,
  };
}

/** Known scopes only; none listed means every scope (the keys of the first releases had none). */
export function scopesOf(stored: readonly string[]): ReadonlySet<ApiScope> {
  if (stored.length === 0) return new Set(API_KEY_SCOPES);
  return new Set(API_KEY_SCOPES.filter((scope) => stored.includes(scope)));
}

/**
 * The ingress configuration in memory, following the database: loaded before the listeners
 * open, reloaded within a second of any admin change (config revision), so a revoked key or
 * client certificate stops working and a new rate applies on a running ingress, and no request
 * pays a database query.
 */
@Injectable()
export class IngressConfigSnapshot extends ConfigSnapshotProvider<IngressConfig> {
  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(INGRESS_OPTIONS) options: ResolvedIngressOptions,
  ) {
    super(prisma, {
      name: 'ingress keys, certificates and rates',
      // Revocation is judged against the request time, so the load uses the wall clock only
      // to skip keys revoked for good.
      load: (client) => loadIngressConfig(client, new Date()),
      pollMs: options.configPollMs,
    });
  }

  onChange(listener: (config: IngressConfig) => void): void {
    this.snapshot.onChange(listener);
  }

  /** Reloads now (tests, read-your-writes). */
  refresh(): Promise<void> {
    return this.snapshot.refresh(true);
  }
}
