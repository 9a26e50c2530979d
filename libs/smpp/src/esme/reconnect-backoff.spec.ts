import { backoffDelay, DEFAULT_BACKOFF } from './reconnect-backoff';

describe(backoffDelay.name, () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('grows exponentially and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(noJitter, attempt))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('draws the delay from [d*(1-jitter), d]', () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 2, () => 0)).toBe(4_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 2, () => 0.999999)).toBe(2_000);
    expect(backoffDelay(DEFAULT_BACKOFF, 2, () => 0.5)).toBe(3_000);
  });
});
