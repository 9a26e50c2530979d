import { PRIORITY_CLASSES, type PriorityClass, compileContentPattern } from '@tuxhat/contracts';

import { e164Digits } from './number-ranges';
import { type TimeWindow, parseTimeWindow } from './time-window';

/** A row of the `routes` table, as the routing service reads it. */
export interface RouteRow {
  readonly id: string;
  readonly priority: number;
  readonly enabled: boolean;
  readonly tenantId: string | null;
  readonly classOfService: string | null;
  readonly destinationPrefix: string | null;
  readonly country: string | null;
  readonly network: string | null;
  readonly sender: string | null;
  readonly shortCode: string | null;
  readonly keyword: string | null;
  readonly contentPattern: string | null;
  readonly timeZone: string | null;
  readonly windowStart: string | null;
  readonly windowEnd: string | null;
  readonly windowDays: readonly number[];
  readonly carrierId: string | null;
  readonly serverGroupId: string | null;
}

export type RuleTarget =
  | { readonly kind: 'carrier'; readonly carrierId: string }
  | { readonly kind: 'group'; readonly groupId: string };

/**
 * A rule ready to match: conditions normalised (lower-case where comparison ignores case,
 * prefixes as bare digits, regex compiled, window parsed). A null condition matches anything.
 */
export interface RoutingRule {
  readonly id: string;
  readonly priority: number;
  readonly tenantId: string | null;
  readonly classOfService: PriorityClass | null;
  readonly prefixDigits: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  readonly country: string | null;
  /** Lower case. */
  readonly network: string | null;
  /** Lower case. */
  readonly sender: string | null;
  readonly shortCode: string | null;
  /** Lower case. */
  readonly keyword: string | null;
  readonly pattern: RegExp | null;
  readonly window: TimeWindow | null;
  readonly target: RuleTarget;
}

/** Compiles a row; throws with the field and the reason when the row cannot be used. */
export function compileRule(row: RouteRow): RoutingRule {
  const target: RuleTarget | null = row.carrierId
    ? { kind: 'carrier', carrierId: row.carrierId }
    : row.serverGroupId
      ? { kind: 'group', groupId: row.serverGroupId }
      : null;
  if (!target || (row.carrierId && row.serverGroupId))
    throw new Error('exactly one of carrierId and serverGroupId is needed');
  if (row.classOfService !== null && !isPriorityClass(row.classOfService))
    throw new Error(
      `classOfService: "${row.classOfService}" is not one of ${PRIORITY_CLASSES.join(', ')}`,
    );
  if (row.destinationPrefix !== null && !/^\+?\d{1,15}$/.test(row.destinationPrefix))
    throw new Error(`destinationPrefix: "${row.destinationPrefix}" is not an E.164 prefix`);
  if ((row.windowStart === null) !== (row.windowEnd === null))
    throw new Error('windowStart and windowEnd go together');
  return {
    id: row.id,
    priority: row.priority,
    tenantId: row.tenantId,
    classOfService: row.classOfService,
    prefixDigits: row.destinationPrefix === null ? null : e164Digits(row.destinationPrefix),
    country: row.country?.toUpperCase() ?? null,
    network: row.network?.toLowerCase() ?? null,
    sender: row.sender?.toLowerCase() ?? null,
    shortCode: row.shortCode,
    keyword: row.keyword?.toLowerCase() ?? null,
    pattern: row.contentPattern === null ? null : contentPatternOf(row.contentPattern),
    window:
      row.windowStart !== null && row.windowEnd !== null
        ? parseTimeWindow(row.windowStart, row.windowEnd, row.windowDays, row.timeZone ?? 'UTC')
        : null,
    target,
  };
}

export function isPriorityClass(value: string): value is PriorityClass {
  return (PRIORITY_CLASSES as readonly string[]).includes(value);
}

function contentPatternOf(source: string): RegExp {
  try {
    return compileContentPattern(source);
  } catch (error) {
    throw new Error(`contentPattern: ${(error as Error).message}`, { cause: error });
  }
}
