import type { MessageFields } from '@tuxhat/contracts';

import { classOf } from './compiled-policy';
import { type RejectionReason, holdDetail, rejectDetail } from './decision';
import { destinationOf } from './rules/destination-country';
import type { TenantPolicyEntry } from './tenant-policies';

/**
 * The verdict of the rules that need no state: tenant, destinations, suppression, the
 * message's scheduled time, windows.
 */
export type Precheck =
  | { readonly kind: 'reject'; readonly reason: RejectionReason; readonly detail: string }
  | { readonly kind: 'defer'; readonly releaseAt: number; readonly detail: string }
  /** Passed; `notes` name the rules that let it through (for the accepted status). */
  | { readonly kind: 'pass'; readonly notes: readonly string[] };

/**
 * Applies, in this order: the tenant must exist and be active, its policy must be usable, the
 * destination must be allowed (deny wins), the number must not be on the tenant's suppression
 * list, a message scheduled for later (`scheduledAt`) is deferred until then, and the message's
 * class must be inside one of its send windows (or be deferred to the next opening / rejected).
 */
export function precheck(
  entry: TenantPolicyEntry | undefined,
  message: MessageFields,
  suppressed: boolean,
  nowMs: number,
): Precheck {
  if (!entry) {
    return reject('', 'tenant-active', 'tenant-unknown');
  }
  if (entry.status !== 'active') {
    return reject('', 'tenant-active', 'tenant-suspended');
  }
  const { policy } = entry;
  if ('invalid' in policy) {
    return reject(`v${policy.version}`, `tenant_policies v${policy.version}`, 'policy-invalid');
  }
  const notes: string[] = [];
  const destination = destinationOf(message.destination);
  const verdict = policy.destinations.evaluate(destination);
  if (!verdict.allowed) return reject(policy.label, verdict.rule, verdict.reason);
  if (verdict.rule) notes.push(verdict.rule);

  if (suppressed) return reject(policy.label, 'suppression-list', 'suppressed');

  // The tenant's own send time, for every class (otp too): held until then, when the release
  // runs these checks again and the windows apply from that moment on.
  const scheduledAt = message.scheduledAt ? Date.parse(message.scheduledAt) : undefined;
  if (scheduledAt !== undefined && scheduledAt > nowMs) {
    return defer(policy.label, 'scheduledAt', scheduledAt);
  }

  const window = policy.windows.evaluate(
    classOf(message),
    policy.windows.needsDestinationCountry ? destination.country() : undefined,
    nowMs,
  );
  if (!window.open) {
    if (window.outside === 'reject' || window.nextOpening === null) {
      return reject(policy.label, window.rule, 'outside-window');
    }
    return defer(policy.label, window.rule, window.nextOpening);
  }
  if (window.rule) notes.push(window.rule);
  return { kind: 'pass', notes };
}

function reject(label: string, rule: string, reason: RejectionReason): Precheck {
  return { kind: 'reject', reason, detail: rejectDetail(label, rule, reason) };
}

function defer(label: string, rule: string, releaseAt: number): Precheck {
  return { kind: 'defer', releaseAt, detail: holdDetail(label, 'deferred', rule, releaseAt) };
}
