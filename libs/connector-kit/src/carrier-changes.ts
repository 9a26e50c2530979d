import { isDeepStrictEqual } from 'node:util';

import type { CarrierCheck, LoadedCarrier } from './carrier-loader';

/** A carrier as a running connector holds it: serving with these settings, or stopped. */
export interface HeldCarrier<Settings> {
  readonly running: boolean;
  readonly settings: Settings;
}

/** A carrier row of the pod's kind as it is now in the table, its settings checked as at boot. */
export interface CurrentCarrier<Settings> {
  readonly id: string;
  readonly enabled: boolean;
  readonly check: CarrierCheck<Settings>;
}

/**
 * What a running connector does about one carrier after a configuration change:
 *  - changed: serving, its settings differ: replace its binds with the new settings;
 *  - enabled: stopped, now enabled with valid settings: start it;
 *  - disabled: serving, now disabled or gone from the table (or of another kind): stop it;
 *  - rejected: enabled, but its settings do not validate: keep it as it is (running on the
 *    old settings, stopped, or not held) and say why;
 *  - added: enabled and valid but not held (added after the pod started, or disabled then):
 *    start serving it, its outbound topics consumed from now on (OutboundSubscriptions).
 */
export type CarrierChange<Settings> =
  | { readonly kind: 'changed'; readonly carrier: LoadedCarrier<Settings> }
  | { readonly kind: 'enabled'; readonly carrier: LoadedCarrier<Settings> }
  | { readonly kind: 'disabled'; readonly id: string; readonly reason: 'disabled' | 'removed' }
  | { readonly kind: 'rejected'; readonly id: string; readonly problems: readonly string[] }
  | { readonly kind: 'added'; readonly carrier: LoadedCarrier<Settings> };

/**
 * Compares the carriers a pod holds with the table: one change per carrier that needs one,
 * none for a carrier whose settings are the same (its binds are left alone). Settings compare
 * by value after validation and defaults, so re-saving a carrier unchanged changes nothing.
 */
export function planCarrierChanges<Settings>(
  held: ReadonlyMap<string, HeldCarrier<Settings>>,
  current: readonly CurrentCarrier<Settings>[],
): CarrierChange<Settings>[] {
  const byId = new Map(current.map((row) => [row.id, row]));
  const changes: CarrierChange<Settings>[] = [];
  for (const [id, holding] of held) {
    const row = byId.get(id);
    if (!row || !row.enabled) {
      if (holding.running)
        changes.push({ kind: 'disabled', id, reason: row ? 'disabled' : 'removed' });
      continue;
    }
    if (!row.check.ok) {
      changes.push({ kind: 'rejected', id, problems: row.check.problems });
      continue;
    }
    if (!holding.running) changes.push({ kind: 'enabled', carrier: row.check.carrier });
    else if (!isDeepStrictEqual(holding.settings, row.check.carrier.settings)) {
      changes.push({ kind: 'changed', carrier: row.check.carrier });
    }
  }
  for (const row of current) {
    if (held.has(row.id) || !row.enabled) continue;
    changes.push(
      row.check.ok
        ? { kind: 'added', carrier: row.check.carrier }
        : { kind: 'rejected', id: row.id, problems: row.check.problems },
    );
  }
  return changes;
}

/** The top-level settings keys whose values differ: for log lines that must not show values (secrets). */
export function changedSettingKeys(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => !isDeepStrictEqual(a[key], b[key])).sort();
}
