import { extremes, quantile } from './load';

describe(extremes.name, () => {
  it('finds the smallest and largest of more values than fit on the stack', () => {
    const values = Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 500_000);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(extremes(values)).toEqual({ min: 0, max: 499_999 });
  });

  it('is NaN for no values, and the value itself for one', () => {
    expect(extremes([])).toEqual({ min: Number.NaN, max: Number.NaN });
    expect(extremes([-3])).toEqual({ min: -3, max: -3 });
  });
});

describe(quantile.name, () => {
  it('takes the nearest rank', () => {
    const samples = Float64Array.from([5, 1, 4, 2, 3]);
    expect(quantile(samples, 0.5)).toBe(3);
    expect(quantile(samples, 0.99)).toBe(5);
    expect(quantile(new Float64Array(), 0.5)).toBeNaN();
  });
});
