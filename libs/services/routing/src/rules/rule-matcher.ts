import type { MessageFacts } from './message-facts';
import type { RoutingRule } from './routing-rule';
import { isWithinWindow } from './time-window';

/**
 * Whether every condition the rule sets holds for the message. Cheap comparisons first; the
 * country, network, pattern and clock only when the rule uses them.
 */
export function ruleMatches(rule: RoutingRule, facts: MessageFacts): boolean {
  if (rule.tenantId !== null && rule.tenantId !== facts.tenantId) return false;
  if (rule.classOfService !== null && rule.classOfService !== facts.classOfService) return false;
  if (rule.prefixDigits !== null && !facts.digits.startsWith(rule.prefixDigits)) return false;
  if (rule.sender !== null && rule.sender !== facts.sender) return false;
  if (
    rule.shortCode !== null &&
    rule.shortCode !== facts.rawSender &&
    rule.shortCode !== facts.digits
  )
    return false;
  if (rule.keyword !== null && rule.keyword !== facts.keyword) return false;
  if (rule.country !== null && rule.country !== facts.country) return false;
  if (rule.network !== null && rule.network !== facts.network) return false;
  if (rule.pattern !== null && !rule.pattern.test(facts.text)) return false;
  if (rule.window !== null && !isWithinWindow(rule.window, facts.now)) return false;
  return true;
}
