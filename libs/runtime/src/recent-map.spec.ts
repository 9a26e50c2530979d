import { RecentMap } from './recent-map';

describe(RecentMap.name, () => {
  it('remembers at least the last `capacity` keys written, and at most twice as many', () => {
    const sut = new RecentMap<string, number>(3);
    for (let index = 0; index < 100; index++) {
      sut.set(`k${index}`, index);
      expect(sut.size).toBeLessThanOrEqual(6);
      for (let back = 0; back < Math.min(3, index + 1); back++) {
        expect(sut.get(`k${index - back}`)).toBe(index - back);
      }
    }
    expect(sut.has('k0')).toBe(false);
    expect(sut.get('k0')).toBeUndefined();
  });

  it('counts a write of a known key as recent again, and keeps its newest value', () => {
    const sut = new RecentMap<string, string>(2);
    sut.set('a', 'first');
    sut.set('b', 'b');
    sut.set('a', 'second'); // a is now the most recent
    sut.set('c', 'c');
    sut.set('d', 'd');
    expect(sut.get('a')).toBe('second');
    expect(sut.has('b')).toBe(false);
    expect(sut.size).toBe(3);
  });

  it('forgets a deleted key wherever it is, and says whether it had it', () => {
    const sut = new RecentMap<string, number>(2);
    sut.set('old', 1);
    sut.set('older', 2); // both move to the previous generation
    sut.set('new', 3);
    expect(sut.delete('old')).toBe(true);
    expect(sut.delete('new')).toBe(true);
    expect(sut.delete('never')).toBe(false);
    expect([sut.has('old'), sut.has('older'), sut.has('new')]).toEqual([false, true, false]);
  });

  it('keeps undefined as a value, told apart from a missing key by has', () => {
    const sut = new RecentMap<string, undefined>(4);
    sut.set('there', undefined);
    expect(sut.has('there')).toBe(true);
    expect(sut.has('missing')).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a capacity of %p', (capacity) => {
    expect(() => new RecentMap(capacity)).toThrow(RangeError);
  });
});
