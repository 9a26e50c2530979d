import type { PriorityClass } from '@tuxhat/contracts';

/** A tenant's (or the default) price per SMS part for destinations under a prefix. */
export interface Tariff {
  readonly id: string;
  /** Null: a default tariff, for tenants without a matching one of their own. */
  readonly tenantId: string | null;
  /** E.164 digits without "+"; "" covers every destination. */
  readonly prefix: string;
  /** Null: every class of service. */
  readonly classOfService: string | null;
  /** Integer minor units per SMS part. */
  readonly priceMinor: number;
  readonly currency: string;
}

/** What a message costs the tenant by its tariff, before billing rules. */
export interface Quote {
  readonly tariffId: string;
  readonly pricePerPartMinor: number;
  readonly parts: number;
  /** pricePerPartMinor x parts. */
  readonly amountMinor: number;
  readonly currency: string;
}

export interface QuotableMessage {
  readonly tenantId: string;
  /** E.164 with "+". */
  readonly destination: string;
  readonly classOfService: PriorityClass;
  readonly parts: number;
}

const MAX_PREFIX_DIGITS = 15;

/**
 * The tariffs in memory, indexed for the hot path: a quote is at most 2 x 16 map lookups.
 * Which tariff applies: the tenant's own tariffs before the defaults (a tenant's contract
 * overrides the list price even for destinations it does not name more precisely), then the
 * longest matching prefix, then a class-specific tariff before a general one.
 */
export class TariffBook {
  /** scope (tenant id, or "" for the defaults) -> prefix -> tariffs under that prefix. */
  private readonly byScope = new Map<string, Map<string, Tariff[]>>();

  constructor(tariffs: readonly Tariff[]) {
    for (const tariff of tariffs) {
      const scope = tariff.tenantId ?? '';
      let byPrefix = this.byScope.get(scope);
      if (!byPrefix) {
        byPrefix = new Map<string, Tariff[]>();
        this.byScope.set(scope, byPrefix);
      }
      const list = byPrefix.get(tariff.prefix) ?? [];
      list.push(tariff);
      byPrefix.set(tariff.prefix, list);
    }
  }

  /** The tariff that applies, or undefined when none does. */
  find(tenantId: string, destination: string, classOfService: PriorityClass): Tariff | undefined {
    const digits = destination.replace(/^\+/, '');
    return this.findIn(tenantId, digits, classOfService) ?? this.findIn('', digits, classOfService);
  }

  quote(message: QuotableMessage): Quote | undefined {
    const tariff = this.find(message.tenantId, message.destination, message.classOfService);
    if (!tariff) return undefined;
    return {
      tariffId: tariff.id,
      pricePerPartMinor: tariff.priceMinor,
      parts: message.parts,
      amountMinor: tariff.priceMinor * message.parts,
      currency: tariff.currency,
    };
  }

  private findIn(scope: string, digits: string, classOfService: string): Tariff | undefined {
    const byPrefix = this.byScope.get(scope);
    if (!byPrefix) return undefined;
    for (let length = Math.min(digits.length, MAX_PREFIX_DIGITS); length >= 0; length--) {
      const candidates = byPrefix.get(digits.slice(0, length));
      if (!candidates) continue;
      const specific = candidates.find((tariff) => tariff.classOfService === classOfService);
      const general = candidates.find((tariff) => tariff.classOfService === null);
      if (specific ?? general) return specific ?? general;
    }
    return undefined;
  }
}
