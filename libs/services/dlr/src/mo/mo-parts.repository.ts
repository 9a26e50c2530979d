import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import {
  type AssembledMo,
  type GroupKey,
  type MoPartIn,
  assembledMoId,
  assemble,
  groupKey,
  groupOf,
  linkLateParts,
  uniqueGroups,
} from './mo-assembly';
import { keywordOf } from './mo-routing';

/**
 * mo_parts: concatenated MO parts wait here, in any order and across restarts, until the MO is
 * whole. Handled parts (completed_at) and the MOs they made (mo_reassemblies) are remembered
 * for moPartRetentionMs, so that a part coming again is recognised instead of starting a new MO:
 *
 * - the same part (the same event id: a replay; or the same text under a new id: the SMSC
 *   delivered the deliver_sm again) is dropped;
 * - a part the MO was routed without (the reassembly timeout) comes back as its late fragment;
 * - a different text for a part number already routed is a new message reusing the reference:
 *   it starts a new MO, as does any part once the memory is over.
 *
 * Whoever routes parts (the intake completing an MO, the sweeper of any replica) claims them
 * first (claim): a part that came while the sweeper routes its MO without it is left to wait,
 * and becomes the MO's late fragment, instead of making a second, whole MO.
 */
/**
 * How long a claim holds: past the routing of a batch of MOs (webhook rows, the tenant topic,
 * replies), short enough that parts whose holder crashed are swept again soon after.
 */
const CLAIM_MS = 60_000;

@Injectable()
export class MoPartsRepository {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {}

  /**
   * Stores the parts (one statement) and returns the MOs they completed and the late fragments
   * they are (one read, and one more when some MO is still incomplete).
   */
  async add(parts: readonly MoPartIn[], now: Date): Promise<AssembledMo[]> {
    if (parts.length === 0) return [];
    const values = parts.map(
      (part) =>
        Prisma.sql`(${part.carrierId}, ${part.source}, ${part.destination}, ${part.reference}, ${part.total}, ${part.seq}, ${part.text}, ${part.eventId}, ${part.receivedAt.toISOString()}::timestamptz)`,
    );
    // A handled part is reopened (a new MO under a reused reference) only for a new event with
    // a different text, or once it is older than the memory.
    await runSql(
      this.prisma,
      Prisma.sql`
      INSERT INTO mo_parts (carrier_id, source, destination, reference, total, seq, text, event_id, received_at)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (carrier_id, source, destination, reference, total, seq) DO UPDATE
         SET text = EXCLUDED.text, event_id = EXCLUDED.event_id,
             received_at = EXCLUDED.received_at, completed_at = NULL, claimed_until = NULL
       WHERE mo_parts.completed_at IS NOT NULL AND mo_parts.event_id <> EXCLUDED.event_id
         AND (mo_parts.text <> EXCLUDED.text
              OR mo_parts.completed_at < ${this.memoryStart(now).toISOString()}::timestamptz)`,
    );
    const rows = await this.prisma.moPart.findMany({
      where: { completedAt: null, OR: uniqueGroups(parts) },
      orderBy: { seq: 'asc' },
    });
    const linked = await this.linkLate(assemble(rows), now);
    return this.claim(
      linked.filter((mo) => mo.missing.length === 0 || mo.lateOf),
      now,
    );
  }

  /**
   * Incomplete MOs whose first part arrived before `olderThan`: handled with what came, as
   * late fragments when they belong to an MO routed earlier.
   */
  async incompleteBefore(olderThan: Date, limit: number, now: Date): Promise<AssembledMo[]> {
    const stale = await this.prisma.moPart.findMany({
      where: {
        completedAt: null,
        receivedAt: { lt: olderThan },
        OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }],
      },
      take: limit,
      distinct: ['carrierId', 'source', 'destination', 'reference', 'total'],
      select: { carrierId: true, source: true, destination: true, reference: true, total: true },
    });
    if (stale.length === 0) return [];
    const rows = await this.prisma.moPart.findMany({
      where: { completedAt: null, OR: stale },
      orderBy: { seq: 'asc' },
    });
    return this.claim(await this.linkLate(assemble(rows), now), now);
  }

  /**
   * The MOs whose every part this caller could claim (unhandled, and unclaimed or its claim
   * expired), in one statement; the parts of an MO it got only some of are let go at once.
   * Those belong to an MO another intake or sweeper is routing: they wait, and come back as its
   * late fragment or with the next sweep.
   */
  async claim(mos: readonly AssembledMo[], now: Date): Promise<AssembledMo[]> {
    if (mos.length === 0) return [];
    const until = new Date(now.getTime() + CLAIM_MS).toISOString();
    const claimed = await runSql<GroupKey & { event_id: string }>(
      this.prisma,
      Prisma.sql`
      UPDATE mo_parts SET claimed_until = ${until}::timestamptz
       WHERE completed_at IS NULL
         AND (claimed_until IS NULL OR claimed_until <= ${now.toISOString()}::timestamptz)
         AND (carrier_id, source, destination, reference, total, event_id) IN (VALUES ${Prisma.join(partRows(mos))})
      RETURNING carrier_id AS "carrierId", source, destination, reference, total, event_id`,
    );
    const got = new Set(claimed.map((row) => partRef(row, row.event_id)));
    const ours = (mo: AssembledMo) => mo.eventIds.filter((id) => got.has(partRef(mo, id)));
    const partly = mos.filter((mo) => ours(mo).length < mo.eventIds.length);
    const letGo = partly.map((mo) => ({ ...mo, eventIds: ours(mo) }));
    if (letGo.some((mo) => mo.eventIds.length > 0)) {
      await runSql(
        this.prisma,
        Prisma.sql`
        UPDATE mo_parts SET claimed_until = NULL
         WHERE (carrier_id, source, destination, reference, total, event_id) IN (VALUES ${Prisma.join(partRows(letGo))})`,
      );
    }
    return mos.filter((mo) => !partly.includes(mo));
  }

  /**
   * Marks the MOs handled (their parts stay for the memory) and remembers them, in one
   * statement: an MO replaces what its key remembered; a late fragment adds its part numbers to
   * the MO it belongs to.
   */
  async complete(mos: readonly AssembledMo[], now: Date): Promise<void> {
    if (mos.length === 0) return;
    const at = now.toISOString();
    const handledParts = partRows(mos);
    const remembered = mos.map((mo) => {
      const moId = mo.lateOf?.moId ?? assembledMoId(mo.eventIds);
      const keyword = mo.lateOf?.keyword ?? keywordOf(mo.text);
      return Prisma.sql`(${mo.carrierId}, ${mo.source}, ${mo.destination}, ${mo.reference}::int, ${mo.total}::int, ${moId}, ${keyword}, ${`{${mo.seqs.join(',')}}`}::int[], ${at}::timestamptz)`;
    });
    await runSql(
      this.prisma,
      Prisma.sql`
      WITH handled AS (
        UPDATE mo_parts SET completed_at = ${at}::timestamptz
         WHERE completed_at IS NULL
           AND (carrier_id, source, destination, reference, total, event_id) IN (VALUES ${Prisma.join(handledParts)})
      )
      INSERT INTO mo_reassemblies AS memory
             (carrier_id, source, destination, reference, total, mo_id, keyword, parts, handled_at)
      VALUES ${Prisma.join(remembered)}
      ON CONFLICT (carrier_id, source, destination, reference, total) DO UPDATE
         SET parts = CASE WHEN memory.mo_id = EXCLUDED.mo_id
                          THEN ARRAY(SELECT DISTINCT unnest(memory.parts || EXCLUDED.parts) ORDER BY 1)
                          ELSE EXCLUDED.parts END,
             keyword = CASE WHEN memory.mo_id = EXCLUDED.mo_id THEN memory.keyword ELSE EXCLUDED.keyword END,
             handled_at = CASE WHEN memory.mo_id = EXCLUDED.mo_id THEN memory.handled_at ELSE EXCLUDED.handled_at END,
             mo_id = EXCLUDED.mo_id`,
    );
  }

  /** Forgets handled parts and MOs older than the memory. */
  async purgeForgotten(now: Date): Promise<number> {
    const before = this.memoryStart(now);
    const [parts] = await this.prisma.$transaction([
      this.prisma.moPart.deleteMany({ where: { completedAt: { lt: before } } }),
      this.prisma.moReassembly.deleteMany({ where: { handledAt: { lt: before } } }),
    ]);
    return parts.count;
  }

  /** Links the incomplete MOs among `mos` to the MO routed earlier under their key, if any. */
  private async linkLate(mos: AssembledMo[], now: Date): Promise<AssembledMo[]> {
    const incomplete = mos.filter((mo) => mo.missing.length > 0);
    if (incomplete.length === 0) return mos;
    const remembered = await this.prisma.moReassembly.findMany({
      where: { handledAt: { gte: this.memoryStart(now) }, OR: incomplete.map(groupOf) },
    });
    return linkLateParts(mos, remembered);
  }

  private memoryStart(now: Date): Date {
    return new Date(now.getTime() - this.options.moPartRetentionMs);
  }
}

/** One row per part of the MOs, for `(carrier_id, ..., event_id) IN (VALUES ...)`. */
function partRows(mos: readonly AssembledMo[]): Prisma.Sql[] {
  return mos.flatMap((mo) =>
    mo.eventIds.map(
      (eventId) =>
        Prisma.sql`(${mo.carrierId}, ${mo.source}, ${mo.destination}, ${mo.reference}::int, ${mo.total}::int, ${eventId})`,
    ),
  );
}

/** A part, as a string to compare by. */
function partRef(group: GroupKey, eventId: string): string {
  return `${groupKey(group)}\n${eventId}`;
}
