import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Which mobile network a number belongs to, from number_ranges (longest prefix wins). */
export class NetworkDirectory {
  private readonly byPrefix: ReadonlyMap<string, string>;
  private readonly longest: number;

  constructor(ranges: readonly { prefix: string; network: string }[]) {
    this.byPrefix = new Map(ranges.map((range) => [range.prefix, range.network]));
    this.longest = Math.max(0, ...ranges.map((range) => range.prefix.length));
  }

  networkOf(destination: string): string | null {
    const digits = destination.replace(/^\+/, '');
    for (let length = Math.min(digits.length, this.longest); length > 0; length--) {
      const network = this.byPrefix.get(digits.slice(0, length));
      if (network) return network;
    }
    return null;
  }
}

/** The destination's country (ISO 3166-1 alpha-2) by libphonenumber-js, or null. */
export function countryOf(destination: string): string | null {
  return parsePhoneNumberFromString(destination)?.country ?? null;
}
