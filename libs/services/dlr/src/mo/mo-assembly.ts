import { deterministicUuid } from '@tuxhat/contracts';

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

/** What the parts of one concatenated MO share (the handset's numbering, per carrier and pair). */
export type GroupKey = Pick<
  MoPartIn,
  'carrierId' | 'source' | 'destination' | 'reference' | 'total'
>;

/** An MO routed earlier under a key, as mo_reassemblies remembers it. */
export interface RememberedMo extends GroupKey {
  readonly moId: string;
  readonly keyword: string;
  /** The part numbers routed so far. */
  readonly parts: readonly number[];
}

/** The parts of one MO that are here, in order. */
export interface AssembledMo extends GroupKey {
  readonly text: string;
  readonly eventIds: readonly string[];
  /** When its first part arrived. */
  readonly receivedAt: Date;
  /** The part numbers `text` holds, ascending. */
  readonly seqs: readonly number[];
  /** Part numbers not here (yet, or ever: the reassembly timeout). */
  readonly missing: readonly number[];
  /** Set when these parts belong to an MO routed earlier without them. */
  readonly lateOf?: { readonly moId: string; readonly keyword: string };
}

export function groupOf(part: GroupKey): GroupKey {
  return {
    carrierId: part.carrierId,
    source: part.source,
    destination: part.destination,
    reference: part.reference,
    total: part.total,
  };
}

export function groupKey(part: GroupKey): string {
  return [part.carrierId, part.source, part.destination, part.reference, part.total].join('\n');
}

export function uniqueGroups(parts: readonly GroupKey[]): GroupKey[] {
  return [...new Map(parts.map((part) => [groupKey(part), groupOf(part)])).values()];
}

/** A reassembled MO's id: from its parts' event ids, whatever order they came in. */
export function assembledMoId(eventIds: readonly string[]): string {
  return deterministicUuid(`mo-assembled/${[...eventIds].sort().join(',')}`);
}

/** The parts grouped by MO, each MO's in order. */
export function assemble(rows: readonly MoPartIn[]): AssembledMo[] {
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
    const seqs = sorted.map((part) => part.seq);
    const present = new Set(seqs);
    const missing: number[] = [];
    for (let seq = 1; seq <= first.total; seq++) if (!present.has(seq)) missing.push(seq);
    return {
      ...groupOf(first),
      text: sorted.map((part) => part.text).join(''),
      eventIds: sorted.map((part) => part.eventId),
      receivedAt: new Date(Math.min(...sorted.map((part) => part.receivedAt.getTime()))),
      seqs,
      missing,
    };
  });
}

/**
 * Marks the MOs that are late parts of a remembered one: under the same key, none of their part
 * numbers among those already routed. A part number already routed (its row reopened by a
 * different text) means the handset reused the reference for a new message: that one is
 * reassembled on its own. A whole MO is never late.
 */
export function linkLateParts(
  mos: readonly AssembledMo[],
  remembered: readonly RememberedMo[],
): AssembledMo[] {
  const byKey = new Map(remembered.map((memory) => [groupKey(memory), memory]));
  return mos.map((mo) => {
    const memory = byKey.get(groupKey(mo));
    if (!memory || mo.missing.length === 0) return mo;
    const routed = new Set(memory.parts);
    if (mo.seqs.some((seq) => routed.has(seq))) return mo;
    return { ...mo, lateOf: { moId: memory.moId, keyword: memory.keyword } };
  });
}
