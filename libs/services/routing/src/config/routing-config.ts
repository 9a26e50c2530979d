import { ROUTING_STRATEGIES } from '@tuxhat/contracts';

import { type NumberRange, NumberRangeIndex } from '../rules/number-ranges';
import { type RouteRow, type RoutingRule, compileRule } from '../rules/routing-rule';
import { type CarrierPriceRow, PriceTable } from '../strategies/price-table';
import type { Strategy } from '../strategies/strategies';

export interface ServerGroupRow {
  readonly id: string;
  readonly name: string;
  readonly strategy: string;
  readonly members: readonly GroupMember[];
}

export interface GroupMember {
  readonly carrierId: string;
  readonly position: number;
  readonly weight: number;
}

export interface ServerGroup {
  readonly id: string;
  readonly name: string;
  readonly strategy: Exclude<Strategy, 'direct'>;
  readonly members: readonly GroupMember[];
}

/** Everything routing reads from the database, as the repository loads it. */
export interface RoutingConfigRows {
  readonly routes: readonly RouteRow[];
  readonly groups: readonly ServerGroupRow[];
  readonly carriers: readonly { readonly id: string; readonly enabled: boolean }[];
  readonly numberRanges: readonly NumberRange[];
  readonly prices: readonly CarrierPriceRow[];
}

/** The routing configuration held in memory: compiled once per config revision. */
export interface RoutingConfig {
  /** Enabled, valid rules by priority (then id): the first match wins. */
  readonly rules: readonly RoutingRule[];
  readonly groups: ReadonlyMap<string, ServerGroup>;
  /** Carrier id -> enabled. A carrier missing here does not exist (never routed to). */
  readonly carriers: ReadonlyMap<string, boolean>;
  readonly ranges: NumberRangeIndex;
  readonly prices: PriceTable;
  /** Rows that could not be used, with the reason (logged at every reload). */
  readonly problems: readonly string[];
}

/**
 * Builds the in-memory configuration. A row that cannot be used (a regex that does not
 * compile, an unknown zone, a rule naming a missing group) is left out and reported instead of
 * failing the whole reload: one bad row must not stop the routing of everything else.
 */
export function compileRoutingConfig(rows: RoutingConfigRows): RoutingConfig {
  const problems: string[] = [];
  const groups = new Map<string, ServerGroup>();
  for (const group of rows.groups) {
    if (!(ROUTING_STRATEGIES as readonly string[]).includes(group.strategy)) {
      problems.push(`server group ${group.id}: unknown strategy "${group.strategy}"`);
      continue;
    }
    groups.set(group.id, {
      id: group.id,
      name: group.name,
      strategy: group.strategy as ServerGroup['strategy'],
      members: [...group.members].sort(
        (a, b) => a.position - b.position || a.carrierId.localeCompare(b.carrierId),
      ),
    });
  }
  const rules: RoutingRule[] = [];
  const ordered = [...rows.routes].sort(
    (a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  for (const row of ordered) {
    if (!row.enabled) continue;
    try {
      const rule = compileRule(row);
      if (rule.target.kind === 'group' && !groups.has(rule.target.groupId))
        throw new Error(`server group ${rule.target.groupId} does not exist or is invalid`);
      rules.push(rule);
    } catch (error) {
      problems.push(`route ${row.id}: ${(error as Error).message}`);
    }
  }
  return {
    rules,
    groups,
    carriers: new Map(rows.carriers.map((carrier) => [carrier.id, carrier.enabled])),
    ranges: new NumberRangeIndex(rows.numberRanges),
    prices: new PriceTable(rows.prices),
    problems,
  };
}
