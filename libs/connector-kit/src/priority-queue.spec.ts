import { PriorityQueue } from './priority-queue';

describe(PriorityQueue.name, () => {
  it('serves OTP, then transactional, then bulk, first come first served within a class', () => {
    const sut = new PriorityQueue<string>();
    sut.push('bulk', 'b1');
    sut.push('transactional', 't1');
    sut.push('otp', 'o1');
    sut.push('bulk', 'b2');
    sut.push('otp', 'o2');
    sut.pushFront('transactional', 't0');
    expect(sut.size).toBe(6);
    expect(sut.peek()).toBe('o1');
    expect(Array.from({ length: 6 }, () => sut.shift())).toEqual([
      'o1',
      'o2',
      't0',
      't1',
      'b1',
      'b2',
    ]);
    expect(sut.shift()).toBeUndefined();
  });

  it('takes out what matches and keeps the rest in order', () => {
    const sut = new PriorityQueue<number>();
    [1, 2, 3, 4].forEach((n) => sut.push('bulk', n));
    expect(sut.takeWhere((n) => n % 2 === 0)).toEqual([2, 4]);
    expect(sut.reduce((sum, n) => sum + n, 0)).toBe(4);
    expect([sut.shift(), sut.shift()]).toEqual([1, 3]);
  });
});
