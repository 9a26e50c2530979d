import type { MessageFields } from '@tuxhat/contracts';

import type { RoutingConfig, ServerGroup } from './config/routing-config';
import type { HealthState } from './health/health-board';
import { MessageFacts } from './rules/message-facts';
import type { RoutingRule } from './rules/routing-rule';
import { ruleMatches } from './rules/rule-matcher';
import { type Money, costOf } from './strategies/price-table';
import { type Candidate, type Strategy, orderCandidates } from './strategies/strategies';

export interface RouteRequest {
  readonly message: MessageFields;
  readonly now: Date;
  /** Carriers already tried for this message: never chosen again. */
  readonly tried: ReadonlySet<string>;
}

export interface RouterOptions {
  /**
   * When no matching rule has a healthy (or unknown) carrier left, send to an unhealthy one
   * rather than fail the message: its connector holds it on the durable retry schedule until
   * the carrier is back. Off: fail the message at once.
   */
  readonly lastResortUnhealthy: boolean;
}

/** How one carrier of the chosen rule's target fared, for the decision record. */
export interface CandidateReport {
  readonly carrierId: string;
  readonly health: HealthState;
  readonly verdict: 'chosen' | 'next' | 'unhealthy' | 'tried' | 'disabled';
  readonly weight: number;
  /** One part's price, when the price table has one. */
  readonly priceMinor: number | undefined;
}

export type RoutingDecision =
  | {
      readonly routed: true;
      readonly rule: RoutingRule;
      readonly group: ServerGroup | null;
      readonly strategy: Strategy;
      readonly carrierId: string;
      readonly candidates: readonly CandidateReport[];
      /** The chosen carrier's price for the whole message, when priced. */
      readonly cost: Money | undefined;
      /** Every candidate was unhealthy: sent anyway (RouterOptions.lastResortUnhealthy). */
      readonly lastResort: boolean;
      /** Rules that matched but had no usable carrier, with why. */
      readonly skipped: readonly string[];
    }
  | {
      readonly routed: false;
      /** no_route: nothing matched, or only disabled carriers; no_carrier_left: all tried. */
      readonly errorCode: 'no_route' | 'no_carrier_left';
      readonly skipped: readonly string[];
    };

interface Evaluated {
  readonly rule: RoutingRule;
  readonly group: ServerGroup | null;
  readonly strategy: Strategy;
  readonly reports: CandidateReport[];
  readonly ordered: Candidate[];
  readonly unhealthyOrdered: Candidate[];
}

/**
 * Picks the carrier for a message from memory alone: the first rule (by priority) that matches
 * and has a usable carrier wins; its target's members are ordered by the group's strategy
 * after leaving out disabled, already tried and unhealthy carriers. Pure: configuration, health
 * and time come in as arguments.
 */
export function decideRoute(
  config: RoutingConfig,
  health: (carrierId: string) => HealthState,
  request: RouteRequest,
  options: RouterOptions,
): RoutingDecision {
  const { message } = request;
  const facts = new MessageFacts(message, config.ranges, request.now);
  const skipped: string[] = [];
  let lastResort: Evaluated | null = null;
  let anyTried = false;
  for (const rule of config.rules) {
    if (!ruleMatches(rule, facts)) continue;
    const evaluated = evaluate(config, rule, facts, health, request.tried);
    anyTried ||= evaluated.reports.some((report) => report.verdict === 'tried');
    if (evaluated.ordered.length > 0) {
      return chosen(config, evaluated, evaluated.ordered, facts, message.parts, false, skipped);
    }
    skipped.push(`${rule.id} (${summarise(evaluated.reports)})`);
    if (evaluated.unhealthyOrdered.length > 0) lastResort ??= evaluated;
  }
  if (lastResort && options.lastResortUnhealthy) {
    return chosen(
      config,
      lastResort,
      lastResort.unhealthyOrdered,
      facts,
      message.parts,
      true,
      skipped,
    );
  }
  return { routed: false, errorCode: anyTried ? 'no_carrier_left' : 'no_route', skipped };
}

function evaluate(
  config: RoutingConfig,
  rule: RoutingRule,
  facts: MessageFacts,
  health: (carrierId: string) => HealthState,
  tried: ReadonlySet<string>,
): Evaluated {
  const group = rule.target.kind === 'group' ? config.groups.get(rule.target.groupId)! : null;
  const strategy: Strategy = group ? group.strategy : 'direct';
  const members =
    rule.target.kind === 'carrier'
      ? [{ carrierId: rule.target.carrierId, position: 0, weight: 1 }]
      : group!.members;
  const healthy: Candidate[] = [];
  const unhealthy: Candidate[] = [];
  const reports: CandidateReport[] = [];
  for (const member of members) {
    const priceMinor = config.prices.priceOf(
      member.carrierId,
      facts.digits,
      facts.classOfService,
    )?.priceMinor;
    const state = health(member.carrierId);
    const candidate: Candidate = { ...member, priceMinor };
    const verdict: CandidateReport['verdict'] =
      config.carriers.get(member.carrierId) !== true
        ? 'disabled'
        : tried.has(member.carrierId)
          ? 'tried'
          : state === 'unhealthy'
            ? 'unhealthy'
            : 'next';
    if (verdict === 'next') healthy.push(candidate);
    if (verdict === 'unhealthy') unhealthy.push(candidate);
    reports.push({
      carrierId: member.carrierId,
      health: state,
      verdict,
      weight: member.weight,
      priceMinor,
    });
  }
  // The balancing key: the message id, so a replay or a reroute ranks the candidates the same way.
  const key = facts.messageId;
  return {
    rule,
    group,
    strategy,
    reports,
    ordered: orderCandidates(strategy, healthy, key),
    unhealthyOrdered: orderCandidates(strategy, unhealthy, key),
  };
}

function chosen(
  config: RoutingConfig,
  evaluated: Evaluated,
  ordered: readonly Candidate[],
  facts: MessageFacts,
  parts: number,
  lastResort: boolean,
  skipped: readonly string[],
): RoutingDecision {
  const pick = ordered[0];
  const rank = new Map(ordered.map((candidate, index) => [candidate.carrierId, index]));
  const verdictOrder = { chosen: 0, next: 1, unhealthy: 2, tried: 3, disabled: 4 } as const;
  const candidates = evaluated.reports
    .map((report) =>
      report.carrierId === pick.carrierId ? { ...report, verdict: 'chosen' as const } : report,
    )
    .sort(
      (a, b) =>
        verdictOrder[a.verdict] - verdictOrder[b.verdict] ||
        (rank.get(a.carrierId) ?? 0) - (rank.get(b.carrierId) ?? 0),
    );
  const price = config.prices.priceOf(pick.carrierId, facts.digits, facts.classOfService);
  return {
    routed: true,
    rule: evaluated.rule,
    group: evaluated.group,
    strategy: evaluated.strategy,
    carrierId: pick.carrierId,
    candidates,
    cost: price ? costOf(price, parts) : undefined,
    lastResort,
    skipped,
  };
}

function summarise(reports: readonly CandidateReport[]): string {
  return reports.map((report) => `${report.carrierId} ${report.verdict}`).join(', ');
}
