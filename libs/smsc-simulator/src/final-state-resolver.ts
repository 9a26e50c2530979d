import type { ReceiptStat } from '@tuxhat/smpp';

/**
 * The final state the simulated network reaches for a destination: the longest matching
 * prefix of the override map, else the default. A leading '+' is ignored on both sides.
 */
export class FinalStateResolver {
  private readonly prefixes: Array<[string, ReceiptStat]>;

  constructor(
    private readonly fallback: ReceiptStat,
    byPrefix: Readonly<Record<string, ReceiptStat>>,
  ) {
    this.prefixes = Object.entries(byPrefix)
      .map(([prefix, stat]): [string, ReceiptStat] => [stripPlus(prefix), stat])
      .sort(([a], [b]) => b.length - a.length);
  }

  resolve(destinationAddr: string): ReceiptStat {
    const destination = stripPlus(destinationAddr);
    return this.prefixes.find(([prefix]) => destination.startsWith(prefix))?.[1] ?? this.fallback;
  }
}

function stripPlus(address: string): string {
  return address.startsWith('+') ? address.slice(1) : address;
}
