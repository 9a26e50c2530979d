/**
 * The tenant's traffic rate as a generic cell rate algorithm (GCRA, the token bucket's exact
 * equivalent): one number per tenant, the theoretical arrival time (TAT) of the next message.
 * `burst` messages may go back to back after a quiet period; sustained, one every 1/rate s.
 */
export interface RateSpec {
  readonly messagesPerSecond: number;
  readonly burst: number;
}

export interface RateLimiterState {
  /** Epoch milliseconds, fractional. 0 for a tenant that never sent. */
  readonly tatMs: number;
}

export type RateOutcome =
  /** The message conforms now; `next` is the state after it. */
  | { readonly conforming: true; readonly next: RateLimiterState }
  /** Too early: it would conform at `slotMs`; `next` is the state if it is queued for then. */
  | { readonly conforming: false; readonly slotMs: number; readonly next: RateLimiterState };

export function emissionIntervalMs(spec: RateSpec): number {
  return 1_000 / spec.messagesPerSecond;
}

/** One message arriving at `nowMs`. */
export function admit(spec: RateSpec, state: RateLimiterState, nowMs: number): RateOutcome {
  const interval = emissionIntervalMs(spec);
  const tolerance = (spec.burst - 1) * interval;
  const earliest = state.tatMs - tolerance;
  if (earliest <= nowMs) {
    return { conforming: true, next: { tatMs: Math.max(state.tatMs, nowMs) + interval } };
  }
  return {
    conforming: false,
    slotMs: earliest,
    next: { tatMs: Math.max(state.tatMs, earliest) + interval },
  };
}
