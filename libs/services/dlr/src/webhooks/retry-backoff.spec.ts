import { retryDelayMs } from './retry-backoff';

describe(retryDelayMs.name, () => {
  const middle = () => 0.5;

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 1_000, 10_000, middle))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000,
    ]);
  });

  it('jitters by at most 20% either way', () => {
    expect(retryDelayMs(1, 1_000, 10_000, () => 0)).toBe(800);
    expect(retryDelayMs(1, 1_000, 10_000, () => 0.999_999)).toBe(1_200);
  });
});
