import { HealthChecks, cachedCheck } from './health-checks';

describe(HealthChecks.name, () => {
  it('is not ready until the process has booted, then ready while every readiness check passes', async () => {
    const sut = new HealthChecks();
    let databaseUp = true;
    sut.register({ name: 'database', probes: ['readiness'], check: () => ({ ok: databaseUp }) });

    expect(await sut.report('readiness')).toMatchObject({ ok: false, status: 'starting' });
    sut.markStarted();
    expect(await sut.report('readiness')).toEqual({
      ok: true,
      status: 'ok',
      checks: [{ name: 'database', ok: true }],
    });
    databaseUp = false;
    expect(await sut.report('readiness')).toMatchObject({ ok: false, status: 'failing' });
    // a readiness check does not make the process "dead"
    expect(await sut.report('liveness')).toEqual({ ok: true, status: 'ok', checks: [] });
  });

  it('answers liveness during boot, and fails it only on liveness checks', async () => {
    const sut = new HealthChecks();
    sut.register({
      name: 'bus consumer policy alive',
      probes: ['liveness'],
      check: () => ({ ok: false, detail: 'consumer crashed' }),
    });
    expect(await sut.report('liveness')).toEqual({
      ok: false,
      status: 'failing',
      checks: [{ name: 'bus consumer policy alive', ok: false, detail: 'consumer crashed' }],
    });
  });

  it('turns a throwing check and a check that hangs into failures, and removes exactly one registration', async () => {
    jest.useFakeTimers();
    try {
      const sut = new HealthChecks();
      sut.markStarted();
      sut.register({
        name: 'throws',
        probes: ['readiness'],
        check: () => {
          throw new Error('boom');
        },
      });
      const removeHang = sut.register({
        name: 'hangs',
        probes: ['readiness'],
        check: () => new Promise(() => undefined),
      });
      const pending = sut.report('readiness');
      await jest.advanceTimersByTimeAsync(2_000);
      expect((await pending).checks).toEqual([
        { name: 'throws', ok: false, detail: 'boom' },
        { name: 'hangs', ok: false, detail: 'no answer within 2000 ms' },
      ]);
      removeHang();
      expect((await sut.report('readiness')).checks.map((check) => check.name)).toEqual(['throws']);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe(cachedCheck.name, () => {
  it('runs the check at most once per ttl, concurrent callers sharing the run', async () => {
    let now = 0;
    let runs = 0;
    const sut = cachedCheck(
      async () => {
        runs += 1;
        return { ok: runs < 3 };
      },
      5_000,
      () => now,
    );
    const [a, b] = await Promise.all([sut(), sut()]);
    expect(runs).toBe(1);
    expect(a).toEqual({ ok: true });
    expect(b).toBe(a);
    now = 4_999;
    await sut();
    expect(runs).toBe(1);
    now = 5_000;
    await sut();
    expect(runs).toBe(2);
  });

  it('reports a rejected run as failing', async () => {
    const sut = cachedCheck(() => Promise.reject(new Error('connection refused')), 1_000);
    expect(await sut()).toEqual({ ok: false, detail: 'connection refused' });
  });
});
