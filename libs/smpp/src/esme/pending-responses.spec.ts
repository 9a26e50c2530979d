import { PendingResponses } from './pending-responses';

const response = (sequenceNumber: number) => ({
  command: 'enquire_link_resp' as const,
  commandStatus: 0,
  sequenceNumber,
});

describe(PendingResponses.name, () => {
  const timeoutError = (command: string, sequence: number) =>
    new Error(`timeout ${command} ${sequence}`);

  it('settles a waiter with the response of the same sequence number only', async () => {
    const sut = new PendingResponses(timeoutError);
    const waiting = sut.wait(7, 'enquire_link', 1_000);
    expect(sut.settle(response(8))).toBe(false);
    expect(sut.settle(response(7))).toBe(true);
    await expect(waiting).resolves.toEqual(response(7));
    expect(sut.size).toBe(0);
  });

  it('rejects with the timeout error and ignores the late response', async () => {
    jest.useFakeTimers();
    try {
      const sut = new PendingResponses(timeoutError);
      const waiting = sut.wait(1, 'submit_sm', 50);
      jest.advanceTimersByTime(50);
      await expect(waiting).rejects.toThrow('timeout submit_sm 1');
      expect(sut.settle(response(1))).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects every waiter on rejectAll', async () => {
    const sut = new PendingResponses(timeoutError);
    const waiters = [sut.wait(1, 'a', 1_000), sut.wait(2, 'b', 1_000)];
    sut.rejectAll(() => new Error('closed'));
    await expect(Promise.allSettled(waiters)).resolves.toEqual([
      { status: 'rejected', reason: new Error('closed') },
      { status: 'rejected', reason: new Error('closed') },
    ]);
  });
});
