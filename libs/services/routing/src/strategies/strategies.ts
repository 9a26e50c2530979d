import type { RoutingStrategy } from '@tuxhat/contracts';

import { weightedOrder } from './weighted-order';

/** How a server group orders its members; `direct` is a rule that names one carrier. */
export type Strategy = RoutingStrategy | 'direct';

/** A carrier a strategy may pick: usable (enabled, not tried) members only reach a strategy. */
export interface Candidate {
  readonly carrierId: string;
  readonly position: number;
  readonly weight: number;
  /** Price of one part for this message's destination and class; undefined: not in the price table. */
  readonly priceMinor: number | undefined;
}

/**
 * Orders the usable members of a group, most preferred first; routing takes the first and, on a
 * reroute, the first not yet tried. `key` (the message id) makes every balanced choice
 * deterministic (see weighted-order.ts).
 *
 * - failover: by position.
 * - weighted: members sharing a position form a tier, balanced by weight; tiers by position.
 *   With every member at one position this is plain weighted balancing.
 * - least_cost: cheapest first; members with the same price balanced by weight; members
 *   without a price for the destination last, by position.
 *
 * Health composes with every strategy the same way: unhealthy members are filtered out before,
 * so traffic is balanced across the healthy ones and fails over past the unhealthy.
 */
export function orderCandidates(
  strategy: Strategy,
  candidates: readonly Candidate[],
  key: string,
): Candidate[] {
  switch (strategy) {
    case 'direct':
    case 'failover':
      return byPosition(candidates);
    case 'weighted':
      return groupedInOrder(byPosition(candidates), (c) => c.position).flatMap((tier) =>
        balance(tier, key),
      );
    case 'least_cost': {
      const priced = candidates.filter((c) => c.priceMinor !== undefined);
      const unpriced = candidates.filter((c) => c.priceMinor === undefined);
      const cheapestFirst = [...priced].sort((a, b) => a.priceMinor! - b.priceMinor!);
      return [
        ...groupedInOrder(cheapestFirst, (c) => c.priceMinor).flatMap((tie) => balance(tie, key)),
        ...byPosition(unpriced),
      ];
    }
  }
}

function byPosition(candidates: readonly Candidate[]): Candidate[] {
  return [...candidates].sort((a, b) => a.position - b.position);
}

function balance(candidates: readonly Candidate[], key: string): Candidate[] {
  return weightedOrder(
    key,
    candidates,
    (c) => c.carrierId,
    (c) => c.weight,
  );
}

/** Runs of consecutive items with the same value of `by` (the input is sorted by it). */
function groupedInOrder<T>(items: readonly T[], by: (item: T) => unknown): T[][] {
  const groups: T[][] = [];
  for (const item of items) {
    const last = groups.at(-1);
    if (last && by(last[0]) === by(item)) last.push(item);
    else groups.push([item]);
  }
  return groups;
}
