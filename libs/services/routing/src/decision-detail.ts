import type { HealthState } from './health/health-board';
import type { CandidateReport, RoutingDecision } from './router';

/** The status event's detail is at most this long (contracts: smsStatusEvent.detail). */
export const MAX_DETAIL = 512;

const HEALTH: Record<HealthState, string> = {
  healthy: 'ok',
  unknown: 'unknown',
  unhealthy: 'down',
};

/**
 * Why a message went where it went, in one compact line for the `routed` status history:
 *
 *   accepted by default; rule otp#10 -> group eu weighted [a chosen ok w70 p4, b next unknown
 *   w30 p5, c tried down w10] => a, cost 8 EUR minor units; skipped bulk-night (x disabled)
 *
 * Each candidate: carrier, verdict (chosen / next in line / unhealthy / tried / disabled),
 * health (ok / unknown / down), weight (groups), price of one part in minor units (when priced).
 */
export function describeRouted(
  decision: Extract<RoutingDecision, { routed: true }>,
  prefix: string,
): string {
  const target = decision.group
    ? `group ${decision.group.id} ${decision.strategy}`
    : `carrier ${decision.carrierId}`;
  const candidates = decision.group
    ? ` [${decision.candidates.map((candidate) => describeCandidate(candidate)).join(', ')}]`
    : ` [${HEALTH[decision.candidates[0]?.health ?? 'unknown']}]`;
  const cost = decision.cost
    ? `, cost ${decision.cost.minor} ${decision.cost.currency} minor units`
    : ', no price';
  const lastResort = decision.lastResort ? ' (last resort: every candidate unhealthy)' : '';
  return fitDetail(
    `${prefix}; rule ${decision.rule.id}#${decision.rule.priority} -> ${target}${candidates} => ` +
      `${decision.carrierId}${cost}${lastResort}${describeSkipped(decision.skipped)}`,
  );
}

export function describeUnrouted(
  decision: Extract<RoutingDecision, { routed: false }>,
  prefix: string,
): string {
  const why = decision.errorCode === 'no_route' ? 'no route matches' : 'no untried carrier is left';
  return fitDetail(`${prefix}; ${why}${describeSkipped(decision.skipped)}`);
}

function describeCandidate(candidate: CandidateReport): string {
  const price = candidate.priceMinor === undefined ? '' : ` p${candidate.priceMinor}`;
  return `${candidate.carrierId} ${candidate.verdict} ${HEALTH[candidate.health]} w${candidate.weight}${price}`;
}

function describeSkipped(skipped: readonly string[]): string {
  return skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : '';
}

/** Cuts to the contract's limit, marking the cut. */
export function fitDetail(detail: string): string {
  return detail.length <= MAX_DETAIL ? detail : `${detail.slice(0, MAX_DETAIL - 1)}…`;
}
