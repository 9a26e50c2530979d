import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  it('allows the burst at once, then one token per 1/rate seconds', () => {
    let now = 0;
    const sut = new TokenBucket(10, 2, () => now);
    expect([sut.tryTake(), sut.tryTake(), sut.tryTake()]).toEqual([true, true, false]);
    expect(sut.msUntilToken()).toBe(100);
    now = 50;
    expect(sut.tryTake()).toBe(false);
    expect(sut.msUntilToken()).toBe(50);
    now = 100;
    expect(sut.tryTake()).toBe(true);
  });

  it('never holds more than the burst however long it idles', () => {
    let now = 0;
    const sut = new TokenBucket(100, 3, () => now);
    now = 60_000;
    const taken = Array.from({ length: 5 }, () => sut.tryTake()).filter(Boolean);
    expect(taken).toHaveLength(3);
  });

  it('sizes the burst of forRate to a twentieth of a second (at least one)', () => {
    expect(TokenBucket.forRate(200).burst).toBe(10);
    expect(TokenBucket.forRate(5).burst).toBe(1);
  });

  it('refuses nonsense rates', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0.5)).toThrow(RangeError);
  });
});
