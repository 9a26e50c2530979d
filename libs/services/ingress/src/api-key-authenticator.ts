import { Inject, Injectable } from '@nestjs/common';
import { apiKeyMatches, apiKeyPrefix } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import { ProblemError } from './problem';

/** Who is calling: the tenant every query and write of the request is scoped to. */
export interface Caller {
  readonly tenantId: string;
  readonly apiKeyId: string;
}

interface StoredKey {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly revokedAt: Date | null;
}

interface CacheEntry {
  readonly key: StoredKey | null;
  readonly expiresAt: number;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Authenticates tenants by API key (REST `Authorization: Bearer`, gRPC `authorization`
 * metadata). Keys are found by their public prefix and checked against the stored SHA-256 in
 * constant time.
 *
 * Lookups are cached in memory so the hot path costs no database round trip: a key for
 * HIT_TTL_MS (so a revocation takes effect within that time), an unknown prefix for
 * MISS_TTL_MS (so a flood of made-up keys does not reach the database, while a freshly created
 * key works within seconds). The cache is bounded: made-up prefixes cannot grow it without
 * limit.
 *
 * Every failure answers the same `unauthorized` detail, so a caller learns nothing about which
 * part was wrong (unknown prefix, wrong secret, revoked). The key itself is never logged nor
 * put in an error.
 */
@Injectable()
export class ApiKeyAuthenticator {
  static readonly HIT_TTL_MS = 30_000;
  static readonly MISS_TTL_MS = 5_000;
  static readonly MAX_ENTRIES = 10_000;

  private readonly cache = new Map<string, CacheEntry>();
  private readonly loading = new Map<string, Promise<StoredKey | null>>();

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!authorization) {
      throw new ProblemError('unauthorized', 'send the API key as `Authorization: Bearer <key>`');
    }
    const key = BEARER.exec(authorization)?.[1];
    const prefix = key === undefined ? null : apiKeyPrefix(key);
    const stored = prefix === null ? null : await this.lookup(prefix);
    if (
      key === undefined ||
      stored === null ||
      !apiKeyMatches(key, stored.secretHash) ||
      (stored.revokedAt !== null && stored.revokedAt.getTime() <= this.clock.now().getTime())
    ) {
      throw new ProblemError('unauthorized', 'the API key is not valid');
    }
    return { tenantId: stored.tenantId, apiKeyId: stored.id };
  }

  private async lookup(prefix: string): Promise<StoredKey | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(prefix);
    if (cached && cached.expiresAt > now) return cached.key;

    // Concurrent requests with the same key share one query.
    let pending = this.loading.get(prefix);
    if (!pending) {
      pending = this.load(prefix).finally(() => this.loading.delete(prefix));
      this.loading.set(prefix, pending);
    }
    return pending;
  }

  private async load(prefix: string): Promise<StoredKey | null> {
    const key = await this.prisma.apiKey.findUnique({
      where: { prefix },
      select: { id: true, tenantId: true, secretHash: true, revokedAt: true },
    });
    const ttl = key ? ApiKeyAuthenticator.HIT_TTL_MS : ApiKeyAuthenticator.MISS_TTL_MS;
    this.remember(prefix, { key, expiresAt: this.clock.now().getTime() + ttl });
    return key;
  }

  private remember(prefix: string, entry: CacheEntry): void {
    this.cache.delete(prefix);
    if (this.cache.size >= ApiKeyAuthenticator.MAX_ENTRIES) {
      // Maps iterate in insertion order: the first entry is the oldest.
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(prefix, entry);
  }
}
