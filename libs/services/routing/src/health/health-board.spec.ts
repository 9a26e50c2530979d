import { type CarrierHealthEvent, newEnvelope } from '@tuxhat/contracts';

import { HealthBoard } from './health-board';

const T0 = Date.parse('2026-11-26T10:00:00.000Z');

function report(
  carrierId: string,
  instanceId: string,
  healthy: boolean,
  atMs: number,
  ttlMs = 10_000,
): CarrierHealthEvent {
  return {
    ...newEnvelope(new Date(atMs)),
    carrierId,
    instanceId,
    healthy,
    bindsUp: healthy ? 1 : 0,
    bindsConfigured: 1,
    submitted: 0,
    errors: 0,
    throttled: 0,
    ttlMs,
  };
}

describe(HealthBoard.name, () => {
  it('knows nothing about a carrier never reported: unknown, not unhealthy', () => {
    expect(new HealthBoard().stateOf('telco-a', T0)).toBe('unknown');
  });

  it('is healthy while any instance reports it healthy within the TTL', () => {
    const sut = new HealthBoard();
    sut.record(report('telco-a', 'pod-1', false, T0));
    sut.record(report('telco-a', 'pod-2', true, T0));
    expect(sut.stateOf('telco-a', T0 + 9_999)).toBe('healthy');
  });

  it('is unhealthy when every instance says so, or when the healthy reports expired', () => {
    const sut = new HealthBoard();
    sut.record(report('telco-a', 'pod-1', false, T0));
    expect(sut.stateOf('telco-a', T0)).toBe('unhealthy');
    sut.record(report('telco-b', 'pod-1', true, T0, 5_000));
    expect(sut.stateOf('telco-b', T0 + 4_999)).toBe('healthy');
    expect(sut.stateOf('telco-b', T0 + 5_000)).toBe('unhealthy');
  });

  it('keeps the newest report of an instance: an older one read late does not override it', () => {
    const sut = new HealthBoard();
    sut.record(report('telco-a', 'pod-1', false, T0 + 1_000));
    sut.record(report('telco-a', 'pod-1', true, T0));
    expect(sut.stateOf('telco-a', T0 + 2_000)).toBe('unhealthy');
    sut.record(report('telco-a', 'pod-1', true, T0 + 3_000));
    expect(sut.stateOf('telco-a', T0 + 4_000)).toBe('healthy');
  });

  it('forgets instances long gone but remembers the carrier was seen', () => {
    const sut = new HealthBoard();
    sut.record(report('telco-a', 'old-pod', true, T0));
    sut.record(report('telco-a', 'new-pod', false, T0 + 2 * 60 * 60_000));
    expect(sut.stateOf('telco-a', T0 + 2 * 60 * 60_000)).toBe('unhealthy');
  });
});
