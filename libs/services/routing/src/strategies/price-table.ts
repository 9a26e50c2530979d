import type { PriorityClass } from '@tuxhat/contracts';

/** One row of `carrier_prices`: per SMS part, integer minor units of `currency`. */
export interface CarrierPriceRow {
  readonly id: string;
  readonly carrierId: string;
  /** E.164 digits without "+"; "" covers every destination. */
  readonly prefix: string;
  readonly classOfService: PriorityClass | null;
  readonly priceMinor: number;
  readonly currency: string;
}

export interface Money {
  readonly minor: number;
  readonly currency: string;
}

interface PrefixPrices {
  general?: CarrierPriceRow;
  byClass: Map<PriorityClass, CarrierPriceRow>;
}

/**
 * What each carrier charges for a destination: the price with the longest prefix of the number;
 * at equal length a price for the message's class of service beats the general one. Lookups
 * try only the prefix lengths a carrier's table holds, longest first.
 */
export class PriceTable {
  private readonly carriers = new Map<
    string,
    { byPrefix: Map<string, PrefixPrices>; lengths: number[] }
  >();

  constructor(rows: readonly CarrierPriceRow[]) {
    for (const row of rows) {
      let carrier = this.carriers.get(row.carrierId);
      if (!carrier) {
        carrier = { byPrefix: new Map(), lengths: [] };
        this.carriers.set(row.carrierId, carrier);
      }
      let prices = carrier.byPrefix.get(row.prefix);
      if (!prices) {
        prices = { byClass: new Map() };
        carrier.byPrefix.set(row.prefix, prices);
        carrier.lengths.push(row.prefix.length);
      }
      if (row.classOfService) prices.byClass.set(row.classOfService, row);
      else prices.general = row;
    }
    for (const carrier of this.carriers.values()) {
      carrier.lengths = [...new Set(carrier.lengths)].sort((a, b) => b - a);
    }
  }

  /** The carrier's price row for one part to `digits` (E.164 without "+"), if it has one. */
  priceOf(
    carrierId: string,
    digits: string,
    classOfService: PriorityClass,
  ): CarrierPriceRow | undefined {
    const carrier = this.carriers.get(carrierId);
    if (!carrier) return undefined;
    for (const length of carrier.lengths) {
      if (length > digits.length) continue;
      const prices = carrier.byPrefix.get(digits.slice(0, length));
      const price = prices?.byClass.get(classOfService) ?? prices?.general;
      if (price) return price;
    }
    return undefined;
  }
}

/** The price of the whole message: one part's price times its parts. */
export function costOf(price: CarrierPriceRow, parts: number): Money {
  return { minor: price.priceMinor * parts, currency: price.currency };
}
