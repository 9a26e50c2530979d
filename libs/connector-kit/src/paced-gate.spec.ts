import { GateClosedError, PacedGate } from './paced-gate';

describe(PacedGate.name, () => {
  it('lets everyone through at once without a rate', async () => {
    const sut = new PacedGate(undefined);
    await Promise.all([sut.pass('bulk'), sut.pass('otp')]);
    expect(sut.waiting).toBe(0);
  });

  it('paces to the rate and lets OTP overtake what waits', async () => {
    const sut = new PacedGate(50);
    const order: string[] = [];
    const start = performance.now();
    const calls = [
      ...Array.from({ length: 4 }, (_, i) => ['bulk', `b${i}`] as const),
      ['otp', 'o1'] as const,
    ].map(([priority, name]) => sut.pass(priority).then(() => order.push(name)));
    await Promise.all(calls);
    // a burst of 2 at 50/s: b0 and b1 at once, then one every 20 ms; o1 overtakes b2 and b3.
    expect(order).toEqual(['b0', 'b1', 'o1', 'b2', 'b3']);
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
  });

  it('holds everyone back after a throttle', async () => {
    const sut = new PacedGate(undefined);
    sut.holdFor(60);
    const start = performance.now();
    await sut.pass('otp');
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
  });

  it('hands its waiters, in their order, and later callers over to the gate that replaces it', async () => {
    const slow = new PacedGate(1);
    const order: string[] = [];
    // A burst of 1 at 1/s: b0 passes, the rest would wait a second each.
    const calls = [
      ['bulk', 'b0'],
      ['bulk', 'b1'],
      ['bulk', 'b2'],
      ['otp', 'o1'],
    ].map(([priority, name]) => slow.pass(priority as 'bulk' | 'otp').then(() => order.push(name)));
    await calls[0];
    const start = performance.now();
    const fast = new PacedGate(undefined);
    slow.handOverTo(fast);
    await Promise.all([...calls, slow.pass('transactional').then(() => order.push('t1'))]);
    expect(order).toEqual(['b0', 'o1', 'b1', 'b2', 't1']);
    expect(performance.now() - start).toBeLessThan(500);
    expect(slow.waiting).toBe(0);
  });

  it('keeps a throttle pause across a hand-over', async () => {
    const old = new PacedGate(undefined);
    old.holdFor(60);
    const next = new PacedGate(undefined);
    old.handOverTo(next);
    const start = performance.now();
    await old.pass('otp');
    expect(performance.now() - start).toBeGreaterThanOrEqual(50);
  });

  it('refuses waiting and later callers once closed', async () => {
    const sut = new PacedGate(undefined);
    sut.holdFor(10_000);
    const waiting = sut.pass('bulk');
    sut.close();
    await expect(waiting).rejects.toThrow(GateClosedError);
    await expect(sut.pass('otp')).rejects.toThrow(GateClosedError);
  });
});
