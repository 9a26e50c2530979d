import { Inject, Injectable } from '@nestjs/common';
import { Prisma, type PrismaClient, runSql } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

/** One part of a concatenated MO. */
export interface MoPartIn {
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  readonly reference: number;
  readonly total: number;
  readonly seq: number;
  readonly text: string;
  readonly eventId: string;
  readonly receivedAt: Date;
}

/** The parts of one MO, in order; `missing` lists part numbers that never came (timeout). */
export interface AssembledMo {
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  readonly reference: number;
  readonly total: number;
  readonly text: string;
  readonly eventIds: readonly string[];
  /** When its first part arrived. */
  readonly receivedAt: Date;
  readonly missing: readonly number[];
}

type GroupKey = Pick<MoPartIn, 'carrierId' | 'source' | 'destination' | 'reference' | 'total'>;

/**
 * mo_parts: concatenated MO parts wait here, in any order and across restarts, until the MO is
 * whole. Handled parts are kept (completed_at) for a retention time so that a redelivered part
 * (same event id) is recognised instead of starting a new MO; a handset reusing the reference
 * later (a different event id) starts a new one.
 */
@Injectable()
export class MoPartsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Stores the parts (one statement) and returns the MOs they completed (one read). */
  async add(parts: readonly MoPartIn[]): Promise<AssembledMo[]> {
    if (parts.length === 0) return [];
    const values = parts.map(
      (part) =>
        Prisma.sql`(${part.carrierId}, ${part.source}, ${part.destination}, ${part.reference}, ${part.total}, ${part.seq}, ${part.text}, ${part.eventId}, ${part.receivedAt.toISOString()}::timestamptz)`,
    );
    await runSql(
      this.prisma,
      Prisma.sql`
      INSERT INTO mo_parts (carrier_id, source, destination, reference, total, seq, text, event_id, received_at)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (carrier_id, source, destination, reference, total, seq) DO UPDATE
         SET text = EXCLUDED.text, event_id = EXCLUDED.event_id,
             received_at = EXCLUDED.received_at, completed_at = NULL
       WHERE mo_parts.completed_at IS NOT NULL AND mo_parts.event_id <> EXCLUDED.event_id`,
    );
    const groups = uniqueGroups(parts);
    const rows = await this.prisma.moPart.findMany({
      where: { completedAt: null, OR: groups.map((group) => ({ ...group })) },
      orderBy: { seq: 'asc' },
    });
    return assemble(rows).filter((mo) => mo.missing.length === 0);
  }

  /** Incomplete MOs whose first part arrived before `olderThan`: handled with what came. */
  async incompleteBefore(olderThan: Date, limit: number): Promise<AssembledMo[]> {
    const stale = await this.prisma.moPart.findMany({
      where: { completedAt: null, receivedAt: { lt: olderThan } },
      take: limit,
      distinct: ['carrierId', 'source', 'destination', 'reference', 'total'],
      select: { carrierId: true, source: true, destination: true, reference: true, total: true },
    });
    if (stale.length === 0) return [];
    const rows = await this.prisma.moPart.findMany({
      where: { completedAt: null, OR: stale },
      orderBy: { seq: 'asc' },
    });
    return assemble(rows);
  }

  /** Marks the MOs handled (their parts stay for the retention time). */
  async complete(mos: readonly AssembledMo[], now: Date): Promise<void> {
    if (mos.length === 0) return;
    await this.prisma.moPart.updateMany({
      where: {
        completedAt: null,
        OR: mos.map((mo) => ({ ...groupOf(mo), eventId: { in: [...mo.eventIds] } })),
      },
      data: { completedAt: now },
    });
  }

  async purgeCompletedBefore(before: Date): Promise<number> {
    const { count } = await this.prisma.moPart.deleteMany({
      where: { completedAt: { lt: before } },
    });
    return count;
  }
}

function groupOf(part: GroupKey): GroupKey {
  return {
    carrierId: part.carrierId,
    source: part.source,
    destination: part.destination,
    reference: part.reference,
    total: part.total,
  };
}

function groupKey(part: GroupKey): string {
  return [part.carrierId, part.source, part.destination, part.reference, part.total].join('\n');
}

function uniqueGroups(parts: readonly GroupKey[]): GroupKey[] {
  return [...new Map(parts.map((part) => [groupKey(part), groupOf(part)])).values()];
}

function assemble(rows: readonly MoPartIn[]): AssembledMo[] {
  const groups = new Map<string, MoPartIn[]>();
  for (const row of rows) {
    const key = groupKey(row);
    const list = groups.get(key) ?? [];
    list.push(row);
    groups.set(key, list);
  }
  return [...groups.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.seq - b.seq);
    const first = sorted[0];
    const present = new Set(sorted.map((part) => part.seq));
    const missing: number[] = [];
    for (let seq = 1; seq <= first.total; seq++) if (!present.has(seq)) missing.push(seq);
    return {
      ...groupOf(first),
      text: sorted.map((part) => part.text).join(''),
      eventIds: sorted.map((part) => part.eventId),
      receivedAt: new Date(Math.min(...sorted.map((part) => part.receivedAt.getTime()))),
      missing,
    };
  });
}
