import type { ConcatInfo } from '@tuxhat/smpp';

export interface MoPart {
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  /** From the concatenation UDH (3GPP TS 23.040 §9.2.3.24.1), as @tuxhat/smpp read it. */
  readonly concat: ConcatInfo;
  readonly text: string;
}

/** A long MO whose parts did not all arrive in time: what did arrive, in order. */
export interface IncompleteMo {
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  readonly text: string;
  /** 1-based numbers of the parts that never came. */
  readonly missing: readonly number[];
}

interface Assembly {
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  readonly parts: (string | undefined)[];
  received: number;
  readonly startedAt: number;
}

/**
 * Puts concatenated MO parts back together. Handsets number the parts of one message with a
 * reference per (sender, recipient) pair; an SMSC may redeliver a part, which is harmless here.
 * Parts live in memory only: see the README ("MO reassembly") for what that means on a crash.
 */
export class MoReassembly {
  private readonly assemblies = new Map<string, Assembly>();

  constructor(private readonly maxAgeMs: number) {}

  get size(): number {
    return this.assemblies.size;
  }

  /** Adds a part; returns the whole text when this part completes its message. */
  add(part: MoPart, now: number): string | undefined {
    const { reference, total, sequence } = part.concat;
    const key = `${part.carrierId}\n${part.source}\n${part.destination}\n${reference}\n${total}`;
    let assembly = this.assemblies.get(key);
    if (!assembly) {
      assembly = {
        carrierId: part.carrierId,
        source: part.source,
        destination: part.destination,
        parts: Array.from({ length: total }, () => undefined),
        received: 0,
        startedAt: now,
      };
      this.assemblies.set(key, assembly);
    }
    if (assembly.parts[sequence - 1] === undefined) assembly.received++;
    assembly.parts[sequence - 1] = part.text;
    if (assembly.received < total) return undefined;
    this.assemblies.delete(key);
    return assembly.parts.join('');
  }

  /** Removes and returns the assemblies older than maxAgeMs (all of them when `all`). */
  takeExpired(now: number, all = false): IncompleteMo[] {
    const expired: IncompleteMo[] = [];
    for (const [key, assembly] of this.assemblies) {
      if (!all && now - assembly.startedAt < this.maxAgeMs) continue;
      this.assemblies.delete(key);
      expired.push({
        carrierId: assembly.carrierId,
        source: assembly.source,
        destination: assembly.destination,
        text: assembly.parts.filter((text) => text !== undefined).join(''),
        missing: assembly.parts.flatMap((text, index) => (text === undefined ? [index + 1] : [])),
      });
    }
    return expired;
  }
}
