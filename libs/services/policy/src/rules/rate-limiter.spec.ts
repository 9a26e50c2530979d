import { type RateLimiterState, admit } from './rate-limiter';

describe(admit.name, () => {
  const spec = { messagesPerSecond: 10, burst: 3 };

  it('lets a burst through after a quiet period, then one per interval', () => {
    let state: RateLimiterState = { tatMs: 0 };
    const conforming: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const outcome = admit(spec, state, 1_000);
      conforming.push(outcome.conforming);
      if (outcome.conforming) state = outcome.next;
    }
    expect(conforming).toEqual([true, true, true, false, false]);
    expect(admit(spec, state, 1_100).conforming).toBe(true);
  });

  it('gives a queued message the slot at which it conforms, pacing at the rate', () => {
    let state: RateLimiterState = { tatMs: 0 };
    const slots: number[] = [];
    for (let i = 0; i < 6; i++) {
      const outcome = admit(spec, state, 1_000);
      slots.push(outcome.conforming ? 1_000 : outcome.slotMs);
      state = outcome.next;
    }
    expect(slots.map(Math.round)).toEqual([1_000, 1_000, 1_000, 1_100, 1_200, 1_300]);
  });

  it('holds the configured rate over a long run of arrivals faster than it', () => {
    let state: RateLimiterState = { tatMs: 0 };
    let accepted = 0;
    for (let t = 0; t < 10_000; t += 25) {
      const outcome = admit(spec, state, t); // 40 arrivals a second
      if (outcome.conforming) {
        accepted++;
        state = outcome.next;
      }
    }
    expect(accepted).toBe(10 * 10 + spec.burst - 1);
  });
});
