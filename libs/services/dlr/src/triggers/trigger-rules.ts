import type { ReceiptState } from '@tuxhat/contracts';

export type TriggerAction = 'webhook' | 'ops_topic' | 'reroute';

/** A DLR trigger as configured (dlr_triggers). Null or empty criteria match everything. */
export interface TriggerRule {
  readonly id: string;
  readonly tenantId: string | null;
  readonly routeId: string | null;
  readonly carrierId: string | null;
  readonly states: readonly string[];
  readonly errorCodes: readonly string[];
  readonly action: TriggerAction;
  readonly url: string | null;
  readonly priority: number;
}

/** What a trigger is matched against: a message's final outcome on one carrier. */
export interface TriggerSubject {
  readonly tenantId: string;
  readonly routeId?: string;
  readonly carrierId: string;
  readonly state: ReceiptState;
  readonly errorCode?: string | null;
}

/**
 * The triggers that act on an outcome, by priority (lower first). Every matching webhook and
 * ops_topic trigger acts; of the reroute triggers only the first (a message is resent once
 * per outcome).
 */
export function matchTriggers(
  rules: readonly TriggerRule[],
  subject: TriggerSubject,
): TriggerRule[] {
  const matching = rules
    .filter((rule) => matches(rule, subject))
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const firstReroute = matching.find((rule) => rule.action === 'reroute');
  return matching.filter((rule) => rule.action !== 'reroute' || rule === firstReroute);
}

function matches(rule: TriggerRule, subject: TriggerSubject): boolean {
  if (rule.tenantId !== null && rule.tenantId !== subject.tenantId) return false;
  if (rule.routeId !== null && rule.routeId !== subject.routeId) return false;
  if (rule.carrierId !== null && rule.carrierId !== subject.carrierId) return false;
  if (rule.states.length > 0 && !rule.states.includes(subject.state)) return false;
  if (rule.errorCodes.length > 0) {
    const code = subject.errorCode ? normaliseErrorCode(subject.errorCode) : undefined;
    if (code === undefined || !rule.errorCodes.some((each) => normaliseErrorCode(each) === code))
      return false;
  }
  return true;
}

/** Carriers pad error codes ("001" and "1" are the same err:). */
export function normaliseErrorCode(code: string): string {
  const lower = code.trim().toLowerCase();
  const stripped = lower.replace(/^0+/, '');
  return stripped === '' && lower !== '' ? '0' : stripped;
}
