/** One row of the `number_ranges` table: E.164 digits (no "+") and the network they belong to. */
export interface NumberRange {
  readonly prefix: string;
  readonly network: string;
}

/**
 * Which mobile network a number belongs to, by the longest matching prefix. A lookup tries
 * only the prefix lengths the table holds (a handful), longest first: a few Map reads per
 * number, however large the table.
 */
export class NumberRangeIndex {
  private readonly byPrefix: ReadonlyMap<string, NumberRange>;
  private readonly lengths: readonly number[];

  constructor(ranges: readonly NumberRange[]) {
    this.byPrefix = new Map(ranges.map((range) => [range.prefix, range]));
    this.lengths = [...new Set(ranges.map((range) => range.prefix.length))].sort((a, b) => b - a);
  }

  /** The range with the longest prefix of `digits` (E.164 without "+"), if any. */
  lookup(digits: string): NumberRange | undefined {
    for (const length of this.lengths) {
      if (length > digits.length) continue;
      const range = this.byPrefix.get(digits.slice(0, length));
      if (range) return range;
    }
    return undefined;
  }

  get size(): number {
    return this.byPrefix.size;
  }
}

/** E.164 digits without "+": the form prefixes are compared in. */
export function e164Digits(value: string): string {
  return value.startsWith('+') ? value.slice(1) : value;
}
