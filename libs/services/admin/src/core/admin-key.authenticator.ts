import { Inject, Injectable } from '@nestjs/common';
import { adminKeyPrefix, apiKeyMatches } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import { AdminProblem } from './admin-problem';

/** The operator behind a request: the admin key and its name, the actor in the audit log. */
export interface AdminActor {
  readonly keyId: string;
  readonly name: string;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Authenticates operators by admin key (`Authorization: Bearer tha_...`). Keys are found by
 * their public prefix and checked against the stored SHA-256 in constant time. No cache:
 * admin traffic is a trickle, and a revoked key must stop working on the very next request.
 * A tenant key (`thk_...`) never passes, whatever its tenant. Every failure answers the same
 * detail; the key is never logged nor put in an error.
 */
@Injectable()
export class AdminKeyAuthenticator {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async authenticate(authorization: string | undefined): Promise<AdminActor> {
    if (!authorization) {
      throw new AdminProblem(
        'unauthorized',
        'send an admin key as `Authorization: Bearer <admin key>`',
      );
    }
    const key = BEARER.exec(authorization)?.[1];
    const prefix = key === undefined ? null : adminKeyPrefix(key);
    const stored =
      prefix === null
        ? null
        : await this.prisma.adminKey.findUnique({
            where: { prefix },
            select: { id: true, name: true, secretHash: true, revokedAt: true },
          });
    if (
      key === undefined ||
      stored === null ||
      !apiKeyMatches(key, stored.secretHash) ||
      (stored.revokedAt !== null && stored.revokedAt.getTime() <= this.clock.now().getTime())
    ) {
      throw new AdminProblem('unauthorized', 'the admin key is not valid');
    }
    return { keyId: stored.id, name: stored.name };
  }
}
