import type { MessageFields } from '@tuxhat/contracts';

/** A message's price for the tenant (all its parts), in integer minor units of `currency`. */
export interface PriceQuote {
  readonly minor: number;
  readonly currency: string;
}

/**
 * What prepaid reservations ask: the tenant's price of each message, for a batch at once.
 * undefined for a message without a price (it is rejected: price-unavailable). The default
 * implementation reads the tariffs table (TariffPriceQuoter); the billing library's quote can
 * be plugged in through PolicyOptions.priceQuoter.
 */
export interface PriceQuoter {
  quote(messages: readonly MessageFields[]): Promise<ReadonlyMap<string, PriceQuote | undefined>>;
}

export const PRICE_QUOTER = Symbol('tuxhat:policy:price-quoter');
