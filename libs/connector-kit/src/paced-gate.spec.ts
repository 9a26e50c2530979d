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

  it('refuses waiting and later callers once closed', async () => {
    const sut = new PacedGate(undefined);
    sut.holdFor(10_000);
    const waiting = sut.pass('bulk');
    sut.close();
    await expect(waiting).rejects.toThrow(GateClosedError);
    await expect(sut.pass('otp')).rejects.toThrow(GateClosedError);
  });
});
