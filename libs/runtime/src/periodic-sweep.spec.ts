import { PeriodicSweep, type PeriodicSweepOptions } from './periodic-sweep';

/** A sweep whose runs the test ends one by one. */
function controlledSweep<T>(options: Partial<PeriodicSweepOptions<T>> = {}) {
  const runs: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const warnings: string[] = [];
  const sweep = new PeriodicSweep<T>({
    run: () => new Promise<T>((resolve, reject) => runs.push({ resolve, reject })),
    intervalMs: 1_000,
    logger: { warn: (message) => warnings.push(message) },
    failureMessage: 'sweep failed',
    ...options,
  });
  return { sweep, runs, warnings };
}

describe(PeriodicSweep.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs once per interval after the previous run ended, never two at once', async () => {
    const { sweep, runs } = controlledSweep<number>();
    sweep.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);

    // A slow run: no second one starts while it lasts, however long.
    await jest.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(1);
    runs[0].resolve(3);
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(2);
    runs[1].resolve(0);
    await sweep.stop();
  });

  it('takes the first wait and the wait after a run from its options', async () => {
    const { sweep, runs } = controlledSweep<number>({
      firstDelayMs: 0,
      nextDelayMs: (claimed) => (claimed >= 10 ? 0 : 1_000),
    });
    sweep.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(1);
    runs[0].resolve(10); // a full batch: straight on
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    runs[1].resolve(4); // the backlog is drained: the interval again
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(3);
    runs[2].resolve(0);
    await sweep.stop();
  });

  it('logs a failed run and tries again after the interval', async () => {
    const { sweep, runs, warnings } = controlledSweep<number>({ nextDelayMs: () => 0 });
    sweep.start();
    await jest.advanceTimersByTimeAsync(1_000);
    runs[0].reject(new TypeError('database gone'));
    await jest.advanceTimersByTimeAsync(0);
    expect(warnings).toEqual(['sweep failed: TypeError: database gone']);
    await jest.advanceTimersByTimeAsync(999);
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(2);
    runs[1].resolve(0);
    await sweep.stop();
  });

  it('stops waiting at once, and waits for a run in progress before it resolves', async () => {
    const idle = controlledSweep<number>();
    idle.sweep.start();
    await idle.sweep.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(idle.runs).toHaveLength(0);

    const busy = controlledSweep<number>();
    busy.sweep.start();
    await jest.advanceTimersByTimeAsync(1_000);
    let stopped = false;
    const stopping = busy.sweep.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    busy.runs[0].resolve(1);
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(busy.runs).toHaveLength(1);
  });
});
