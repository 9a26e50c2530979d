import { Inject, Injectable, Logger } from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, bumpConfigRevision } from '@tuxhat/runtime';

import type { AdminActor } from './admin-key.authenticator';
import { AdminProblem, type AdminProblemCode } from './admin-problem';
import { redactSecrets } from './redact';

/**
 * One audit log row: what changed, as views of the entity before and after (null when it did
 * not exist before / does not exist after). Views must leave secrets out; they are redacted
 * again on the way in (see redactSecrets) as a safety net.
 */
export interface AuditEntry {
  /** `<entity>.<verb>`, e.g. `tenant.create`, `api_key.revoke`, `carrier.update`. */
  readonly action: string;
  /** snake_case entity name, e.g. `tenant`, `api_key`, `carrier`. */
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What a change returns: the answer for the caller and what to audit (empty: nothing changed). */
export interface ChangeOutcome<T> {
  readonly result: T;
  readonly audit: AuditEntry | readonly AuditEntry[];
}

/** Everything a change may touch, inside its transaction. */
export type AdminTransaction = Prisma.TransactionClient;

/**
 * The only way the admin API changes configuration. `apply` runs the change in one
 * transaction together with its audit rows (who, action, entity, id, before, after, when) and
 * a bump of the config revision, so either all of it happens or none, and every service
 * holding a ConfigSnapshot reloads within a second of the commit.
 *
 * Changes are serialised: each transaction first locks the config revision row, so `before`
 * read inside a change is the state the change really replaced, even with concurrent
 * operators or several admin replicas.
 */
@Injectable()
export class AdminChanges {
  private readonly logger = new Logger('AdminChanges');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply<T>(
    actor: AdminActor,
    change: (tx: AdminTransaction) => Promise<ChangeOutcome<T>>,
  ): Promise<T> {
    const { result, entries } = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT revision FROM config_revision WHERE id = 1 FOR UPDATE`;
      const outcome = await change(tx);
      const entries = Array.isArray(outcome.audit)
        ? (outcome.audit as readonly AuditEntry[])
        : [outcome.audit as AuditEntry];
      if (entries.length > 0) {
        const at = this.clock.now();
        await tx.auditLog.createMany({
          data: entries.map((entry) => ({
            actor: actor.name,
            action: entry.action,
            entity: entry.entity,
            entityId: entry.entityId,
            before: jsonOrNull(entry.before),
            after: jsonOrNull(entry.after),
            at,
          })),
        });
        await bumpConfigRevision(tx);
      }
      return { result: outcome.result, entries };
    });
    for (const entry of entries) {
      this.logger.log(`${entry.action} ${entry.entity} ${entry.entityId} by ${actor.name}`);
    }
    return result;
  }
}

function jsonOrNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === null || value === undefined) return Prisma.DbNull;
  return redactSecrets(value) as Prisma.InputJsonValue;
}

/** Whether a Prisma error is a unique-constraint violation (e.g. an id that already exists). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Runs a create, turning a unique-constraint violation (the id exists) into the feature's
 * `<entity>_exists` problem instead of a 500.
 */
export async function createUniquely<T>(
  code: AdminProblemCode,
  detail: string,
  create: () => Promise<T>,
): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AdminProblem(code, detail);
    throw error;
  }
}

/** The audit entry of one change to one entity: action `<entity>.<verb>`. */
export function auditEntry(
  entity: string,
  verb: string,
  entityId: string,
  before: unknown,
  after: unknown,
) {
  return { action: `${entity}.${verb}`, entity, entityId, before, after };
}
