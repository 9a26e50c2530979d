import { MESSAGE_ID_PREFIX, firstMessageIdAt } from '@tuxhat/contracts';

import { MessageIdGenerator } from './message-id';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const decodeTime = (id: string): number =>
  [...id.slice(4, 14)].reduce((value, char) => value * 32 + CROCKFORD.indexOf(char), 0);

describe(MessageIdGenerator.name, () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);

  it('is msg_ + 26 Crockford base32 characters encoding the millisecond', () => {
    const sut = new MessageIdGenerator();
    const id = sut.next(now);
    expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.startsWith(MESSAGE_ID_PREFIX)).toBe(true);
    expect(decodeTime(id)).toBe(now);
  });

  it('sorts by creation time', () => {
    const sut = new MessageIdGenerator();
    const ids = [now, now + 1, now + 1_000, now + 86_400_000].map((time) => sut.next(time));
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays sorted within one millisecond and when the clock steps back', () => {
    const sut = new MessageIdGenerator(() => (1n << 80n) - 3n);
    const ids = [sut.next(now), sut.next(now), sut.next(now - 5), sut.next(now), sut.next(now)];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('puts the random bits after the time: different generators do not collide', () => {
    const ids = new Set(Array.from({ length: 1_000 }, () => new MessageIdGenerator().next(now)));
    expect(ids.size).toBe(1_000);
  });

  it('encodes time and randomness as the ULID spec does', () => {
    // The spec's example timestamp 1469918176385 is "01ARYZ6S41".
    const sut = new MessageIdGenerator(() => 0x0123456789abcdef0123n);
    expect(sut.next(1_469_918_176_385)).toBe('msg_01ARYZ6S4104HMASW9NF6YY093');
  });

  it('refuses a timestamp outside 48 bits', () => {
    expect(() => new MessageIdGenerator().next(-1)).toThrow(RangeError);
    expect(() => new MessageIdGenerator().next(2 ** 48)).toThrow(RangeError);
  });

  it('makes ids that retention can cut at a moment: firstMessageIdAt sorts between before and after', () => {
    const floor = firstMessageIdAt(new Date(now));
    const largestRandom = new MessageIdGenerator(() => (1n << 80n) - 1n);
    const smallestRandom = new MessageIdGenerator(() => 0n);
    expect(largestRandom.next(now - 1) < floor).toBe(true);
    expect(smallestRandom.next(now) >= floor).toBe(true);
    expect(new MessageIdGenerator().next(now + 1) > floor).toBe(true);
  });
});
