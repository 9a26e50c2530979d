import { SubmitWindow } from './submit-window';

describe(SubmitWindow.name, () => {
  it('grants up to size slots, queues the rest and hands released slots over in FIFO order', async () => {
    const sut = new SubmitWindow(2);
    const order: number[] = [];
    await sut.acquire();
    await sut.acquire();
    const third = sut.acquire().then(() => order.push(3));
    const fourth = sut.acquire().then(() => order.push(4));
    expect([sut.outstanding, sut.queued]).toEqual([2, 2]);

    sut.release();
    await third;
    expect(order).toEqual([3]);
    expect([sut.outstanding, sut.queued]).toEqual([2, 1]);

    sut.release();
    await fourth;
    expect(order).toEqual([3, 4]);
    sut.release();
    sut.release();
    expect(sut.outstanding).toBe(0);
  });

  it('refuses queued acquirers without touching held slots', async () => {
    const sut = new SubmitWindow(1);
    await sut.acquire();
    const waiting = sut.acquire();
    sut.refuseWaiting(() => new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect([sut.outstanding, sut.queued]).toEqual([1, 0]);
  });

  it('rejects a non-positive size', () => {
    expect(() => new SubmitWindow(0)).toThrow(RangeError);
  });
});
