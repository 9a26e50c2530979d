import type { PriorityClass, SendWindow } from '@tuxhat/contracts';

import { CompiledWindow, type WindowState } from './send-window';
import { timeZonesOfCountry } from '@tuxhat/contracts';

export type WindowVerdict =
  | {
      readonly open: true;
      /** The window that let the message through, if one applied. */ readonly rule?: string;
    }
  | {
      readonly open: false;
      readonly rule: string;
      readonly outside: 'defer' | 'reject';
      /** The next instant a covering window opens; null when none opens within the horizon. */
      readonly nextOpening: number | null;
    };

/**
 * A policy's send windows. A message's class is covered by the windows that list it; it may
 * go when any of them is open (several windows for one class add up). Classes no window lists
 * (typically otp) are exempt. Outside every covering window the message is deferred to the
 * earliest next opening, or rejected when every covering window says `outside: reject`.
 */
export class WindowRules {
  private readonly windows: CompiledWindow[];
  /** State per window and zone set, valid until it changes: evaluation is a lookup. */
  private readonly cache = new Map<string, { from: number; until: number; state: WindowState }>();

  constructor(specs: readonly SendWindow[], policyZone: string) {
    this.windows = specs.map((spec, index) => new CompiledWindow(index, spec, policyZone));
  }

  get isEmpty(): boolean {
    return this.windows.length === 0;
  }

  /** Whether any window reads its times in the destination's zone (needs the country). */
  get needsDestinationCountry(): boolean {
    return this.windows.some((window) => window.followsDestination);
  }

  evaluate(priority: PriorityClass, country: string | undefined, at: number): WindowVerdict {
    const covering = this.windows.filter((window) => window.appliesTo(priority));
    if (covering.length === 0) return { open: true };
    let nextOpening: number | null = null;
    for (const window of covering) {
      const state = this.stateOf(window, this.zonesOf(window, country), at);
      if (state.open) return { open: true, rule: window.rule };
      if (state.changesAt !== null && (nextOpening === null || state.changesAt < nextOpening)) {
        nextOpening = state.changesAt;
      }
    }
    const first = covering[0];
    const outside = covering.every((window) => window.spec.outside === 'reject')
      ? 'reject'
      : 'defer';
    return { open: false, rule: first.rule, outside, nextOpening };
  }

  private zonesOf(window: CompiledWindow, country: string | undefined): readonly string[] {
    if (!window.followsDestination) return [window.zone];
    const zones = country ? timeZonesOfCountry(country) : [];
    return zones.length > 0 ? zones : [window.zone];
  }

  private stateOf(window: CompiledWindow, zones: readonly string[], at: number): WindowState {
    const key = `${window.index}|${zones.join(',')}`;
    const cached = this.cache.get(key);
    if (cached && at >= cached.from && at < cached.until) return cached.state;
    const state = window.stateAt(at, zones);
    // "Never within the horizon" only holds for the horizon: look again a day later.
    this.cache.set(key, { from: at, until: state.changesAt ?? at + DAY_MS, state });
    return state;
  }
}

const DAY_MS = 86_400_000;
