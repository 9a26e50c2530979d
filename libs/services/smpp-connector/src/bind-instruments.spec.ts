import { EventEmitter } from 'node:events';

import { HealthChecks, METRICS, Metrics } from '@tuxhat/observability';

import { BindInstruments, bindReadiness } from './bind-instruments';

class FakeBind extends EventEmitter {
  state = 'connecting';
  outstanding = 0;
  queued = 0;
}

describe(bindReadiness.name, () => {
  const carriers = [
    { carrier: 'telco-a', bindsUp: 2 },
    { carrier: 'telco-b', bindsUp: 0 },
  ];

  it('all: ready only when every carrier has a bind up', () => {
    expect(bindReadiness(carriers, 'all')).toEqual({ ok: false, detail: 'no bind up: telco-b' });
    expect(bindReadiness([carriers[0]], 'all')).toEqual({ ok: true });
  });

  it('any: ready with at least one carrier up; always: whatever the binds', () => {
    expect(bindReadiness(carriers, 'any')).toEqual({ ok: true, detail: 'no bind up: telco-b' });
    expect(bindReadiness([carriers[1]], 'any').ok).toBe(false);
    expect(bindReadiness([carriers[1]], 'always').ok).toBe(true);
  });

  it('a pod holding no carrier is ready (receiver-less, all disabled)', () => {
    expect(bindReadiness([], 'all')).toEqual({ ok: true });
  });
});

describe(BindInstruments.name, () => {
  it('reports binds, windows and bind changes per carrier, and readiness by the binds', async () => {
    const metrics = new Metrics();
    const health = new HealthChecks();
    health.markStarted();
    const sut = new BindInstruments(['telco-a', 'telco-b'], 'all', metrics, health);
    const [a1, a2, b] = [new FakeBind(), new FakeBind(), new FakeBind()];
    sut.watch('telco-a', a1, 10);
    sut.watch('telco-a', a2, 10);
    sut.watch('telco-b', b, 5);

    expect(await health.report('readiness')).toMatchObject({
      ok: false,
      checks: [{ name: 'smpp binds', ok: false, detail: 'no bind up: telco-a, telco-b' }],
    });

    a1.state = 'bound';
    a1.outstanding = 7;
    a1.queued = 3;
    a1.emit('bound', {});
    b.state = 'bound';
    b.emit('bound', {});
    expect((await health.report('readiness')).ok).toBe(true);
    expect(await metrics.valueOf(METRICS.smppBindUp, { carrier: 'telco-a' })).toBe(1);
    expect(await metrics.valueOf(METRICS.smppWindowOutstanding, { carrier: 'telco-a' })).toBe(7);
    expect(await metrics.valueOf(METRICS.smppWindowQueued, { carrier: 'telco-a' })).toBe(3);
    expect(await metrics.valueOf(METRICS.smppWindowSize, { carrier: 'telco-a' })).toBe(20);

    b.state = 'reconnecting';
    b.emit('unbound', { reason: 'connection-lost' });
    b.emit('reconnecting', {});
    b.emit('unbound', { reason: 'client-close' }); // our own shutdown is not a lost bind
    expect(
      await metrics.valueOf(METRICS.smppBindEvents, { carrier: 'telco-b', event: 'lost' }),
    ).toBe(1);
    expect(
      await metrics.valueOf(METRICS.smppBindEvents, { carrier: 'telco-b', event: 'reconnecting' }),
    ).toBe(1);
    expect(await metrics.valueOf(METRICS.smppBindUp, { carrier: 'telco-b' })).toBe(0);
    expect(await health.report('readiness')).toMatchObject({ ok: false });

    sut.close();
    expect((await health.report('readiness')).checks).toEqual([]);
    expect(await metrics.render()).not.toContain('tuxhat_smpp_bind_up{');
  });

  it('stops counting a forgotten carrier (disabled), and counts only the new binds of a replaced one', () => {
    const sut = new BindInstruments(
      ['telco-a', 'telco-b'],
      'all',
      new Metrics(),
      new HealthChecks(),
    );
    const [old, fresh, b] = [new FakeBind(), new FakeBind(), new FakeBind()];
    sut.watch('telco-a', old, 10);
    sut.watch('telco-b', b, 5);
    old.state = 'bound';
    expect(sut.readiness()).toEqual({ ok: false, detail: 'no bind up: telco-b' });

    sut.forget('telco-b');
    expect(sut.readiness()).toEqual({ ok: true });

    sut.forget('telco-a');
    sut.watch('telco-a', fresh, 10);
    expect(sut.readiness()).toEqual({ ok: false, detail: 'no bind up: telco-a' });
    fresh.state = 'bound';
    expect(sut.readiness()).toEqual({ ok: true });
  });
});
