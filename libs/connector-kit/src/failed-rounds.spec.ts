import { FailedRounds } from './failed-rounds';

describe(FailedRounds.name, () => {
  it('counts rounds per message until forgotten', () => {
    const sut = new FailedRounds();
    expect([sut.next('a'), sut.next('a'), sut.next('b'), sut.next('a')]).toEqual([1, 2, 1, 3]);
    sut.forget('a');
    expect(sut.next('a')).toBe(1);
  });

  it('forgets the least recently counted message past its capacity', () => {
    const sut = new FailedRounds(2);
    sut.next('a');
    sut.next('b');
    sut.next('a'); // a is now the most recent
    sut.next('c'); // b goes
    expect(sut.next('b')).toBe(1);
    expect(sut.next('c')).toBe(2);
  });
});
