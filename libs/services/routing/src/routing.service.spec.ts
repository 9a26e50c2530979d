import { type SmsAcceptedEvent, type SmsRerouteEvent, newEnvelope } from '@tuxhat/contracts';

import { message, priceRow, routeRow, routingConfig } from './config/routing-config.fixture';
import type { RoutingConfigService } from './config/routing-config.service';
import type { CarrierHealthService } from './health/carrier-health.service';
import type { HealthState } from './health/health-board';
import { DEFAULT_ROUTING_OPTIONS } from './routing.options';
import { type CarrierWait, type RoutingStep, RoutingService } from './routing.service';

const config = routingConfig({
  routes: [routeRow({ id: 'fo', priority: 5, serverGroupId: 'g' })],
  groups: [
    {
      id: 'g',
      name: 'g',
      strategy: 'failover',
      members: [
        { carrierId: 'telco-a', position: 1, weight: 1 },
        { carrierId: 'telco-b', position: 2, weight: 1 },
        { carrierId: 'telco-c', position: 3, weight: 1 },
      ],
    },
  ],
  prices: [priceRow('telco-b', '', 2)],
});

const NOW = '2026-11-26T10:00:00Z';

function service(
  health: Record<string, HealthState> = {},
  maxAttempts = 3,
  now = NOW,
): RoutingService {
  return new RoutingService(
    { current: config } as RoutingConfigService,
    { stateOf: (carrier: string) => health[carrier] ?? 'unknown' } as CarrierHealthService,
    { now: () => new Date(now) },
    { ...DEFAULT_ROUTING_OPTIONS, maxAttempts },
  );
}

/** A routing step, not a wait (fails the test otherwise). */
function stepOf(next: RoutingStep | CarrierWait): RoutingStep {
  if (next.kind === 'wait') throw new Error(`expected a step, got a wait: ${next.status.detail}`);
  return next;
}

function waitOf(next: RoutingStep | CarrierWait): CarrierWait {
  if (next.kind !== 'wait') throw new Error(`expected a wait, got ${next.status.status}`);
  return next;
}

const msg = message({ parts: 2 });
const accepted: SmsAcceptedEvent = { ...newEnvelope(), message: msg, decision: 'policy default' };
const reroute = (
  carrierId: string,
  attempt: number,
  triedCarriers: string[],
  source = 'smpp-connector',
): SmsRerouteEvent => ({
  ...newEnvelope(),
  message: msg,
  carrierId,
  routeId: 'fo',
  attempt,
  triedCarriers,
  reason: 'response timeout',
  errorCode: 'timeout',
  source,
});

describe(RoutingService.name, () => {
  it('routes an accepted message: outbound attempt 1 and a routed status, same ids on replay', () => {
    const sut = service();
    const first = sut.routeAccepted(accepted);
    expect(first.outbound).toMatchObject({
      carrierId: 'telco-a',
      routeId: 'fo',
      attempt: 1,
      triedCarriers: [],
    });
    expect(first.outbound?.cost).toBeUndefined();
    expect(first.status).toMatchObject({
      status: 'routed',
      carrierId: 'telco-a',
      source: 'routing',
    });
    const replay = sut.routeAccepted(accepted);
    expect(replay.outbound?.eventId).toBe(first.outbound?.eventId);
    expect(replay.status.eventId).toBe(first.status.eventId);
  });

  it('reroutes to the next untried carrier with attempt + 1, priced', () => {
    const step = stepOf(service().reroute(reroute('telco-a', 1, [])));
    expect(step.outbound).toMatchObject({
      carrierId: 'telco-b',
      attempt: 2,
      triedCarriers: ['telco-a'],
      cost: { minor: 4, currency: 'EUR' },
    });
    expect(step.status).toMatchObject({ status: 'routed', cost: { minor: 4, currency: 'EUR' } });
    expect(step.status.detail).toMatch(
      /^reroute: telco-a failed attempt 1 \(smpp-connector timeout: response timeout\) \(attempt 2\/3\); rule fo#5 -> group g failover/,
    );
  });

  it('gives two requests to reroute the same attempt the same outputs', () => {
    const sut = service();
    const fromConnector = stepOf(sut.reroute(reroute('telco-a', 1, [])));
    const fromDlr = stepOf(sut.reroute(reroute('telco-a', 1, [], 'dlr')));
    expect(fromDlr.outbound?.eventId).toBe(fromConnector.outbound?.eventId);
    expect(fromDlr.outbound?.carrierId).toBe(fromConnector.outbound?.carrierId);
  });

  it('fails the message once the attempts are used up, naming the carriers tried', () => {
    const step = stepOf(service({}, 3).reroute(reroute('telco-c', 3, ['telco-a', 'telco-b'])));
    expect(step.outbound).toBeUndefined();
    expect(step.status).toMatchObject({
      status: 'failed',
      errorCode: 'attempts_exhausted',
      carrierId: 'telco-c',
    });
    expect(step.status.detail).toContain(
      'failed after 3 attempt(s), limit 3, tried telco-a, telco-b, telco-c',
    );
  });

  it('fails the message when no untried carrier is left before the limit', () => {
    const step = stepOf(service({}, 5).reroute(reroute('telco-c', 3, ['telco-a', 'telco-b'])));
    expect(step.status).toMatchObject({ status: 'failed', errorCode: 'no_carrier_left' });
  });

  it('skips an unhealthy carrier on the first attempt', () => {
    const step = service({ 'telco-a': 'unhealthy' }).routeAccepted(accepted);
    expect(step.outbound?.carrierId).toBe('telco-b');
    expect(step.status.detail).toContain('telco-a unhealthy down');
  });

  describe('a carrier outage: no carrier left, and the last one surely did not get the message', () => {
    const down = {
      'telco-a': 'unhealthy',
      'telco-b': 'unhealthy',
      'telco-c': 'unhealthy',
    } as const;
    /** telco-c, the last of the group, had no bind up; the request was made `agoMs` before NOW. */
    const notBound = (
      agoMs: number,
      overrides: Partial<SmsRerouteEvent> = {},
    ): SmsRerouteEvent => ({
      ...reroute('telco-c', 3, ['telco-a', 'telco-b']),
      occurredAt: new Date(Date.parse(NOW) - agoMs).toISOString(),
      reason: 'not bound (no bind up)',
      errorCode: 'SMPP_NOT_BOUND',
      mayHaveReached: false,
      ...overrides,
    });

    it('waits instead of failing, records why once under a stable id, and backs off', () => {
      const sut = service(down, 5);
      const first = waitOf(sut.reroute(notBound(0)));
      expect(first.delayMs).toBe(DEFAULT_ROUTING_OPTIONS.carrierRetryMs);
      expect(first.status).toMatchObject({ status: 'routed', source: 'routing', routeId: 'fo' });
      expect(first.status.carrierId).toBeUndefined();
      expect(first.status.detail).toMatch(
        /^reroute: telco-c failed attempt 3 \(smpp-connector SMPP_NOT_BOUND: not bound \(no bind up\)\); no untried carrier is left; .*waiting for a carrier until 2026-11-28T10:00:00\.000Z$/,
      );
      const later = waitOf(sut.reroute(notBound(30_000)));
      expect(later.status.eventId).toBe(first.status.eventId);
      expect(later.delayMs).toBe(30_000);
      expect(waitOf(sut.reroute(notBound(3_600_000))).delayMs).toBe(
        12 * DEFAULT_ROUTING_OPTIONS.carrierRetryMs,
      );
    });

    it('sends it again once a carrier is healthy: the one that surely did not get it, not earlier ones', () => {
      const step = stepOf(
        service({ ...down, 'telco-a': 'healthy', 'telco-c': 'healthy' }, 5).reroute(notBound(0)),
      );
      // telco-a was tried earlier (it may have timed out holding the message): left out.
      expect(step.outbound).toMatchObject({
        carrierId: 'telco-c',
        attempt: 4,
        triedCarriers: ['telco-a', 'telco-b'],
      });
      expect(step.status.detail).toContain('telco-c is healthy again');
    });

    it('gives the message up as expired when its validity, or the longest wait, is over', () => {
      const pastValidity = stepOf(
        service(down, 5).reroute(
          notBound(0, { message: { ...msg, validUntil: '2026-11-26T09:59:59.000Z' } }),
        ),
      );
      expect(pastValidity.status).toMatchObject({
        status: 'expired',
        errorCode: 'no_carrier_in_time',
        carrierId: 'telco-c',
      });
      expect(pastValidity.status.detail).toContain(
        'waited for a carrier until 2026-11-26T09:59:59.000Z',
      );
      const twoDaysLater = stepOf(service(down, 5, '2026-11-28T10:00:00Z').reroute(notBound(0)));
      expect(twoDaysLater.status).toMatchObject({ status: 'expired' });
    });

    it('does not wait when the carrier may have the message, or for a DLR trigger', () => {
      for (const event of [
        notBound(0, { mayHaveReached: true, errorCode: 'timeout' }),
        notBound(0, { mayHaveReached: undefined, source: 'dlr-trigger:r1' }),
      ]) {
        expect(stepOf(service(down, 5).reroute(event)).status).toMatchObject({
          status: 'failed',
          errorCode: 'no_carrier_left',
        });
      }
    });
  });
});
