import { type SmsAcceptedEvent, type SmsRerouteEvent, newEnvelope } from '@tuxhat/contracts';

import { message, priceRow, routeRow, routingConfig } from './config/routing-config.fixture';
import type { RoutingConfigService } from './config/routing-config.service';
import type { CarrierHealthService } from './health/carrier-health.service';
import type { HealthState } from './health/health-board';
import { DEFAULT_ROUTING_OPTIONS } from './routing.options';
import { RoutingService } from './routing.service';

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

function service(health: Record<string, HealthState> = {}, maxAttempts = 3): RoutingService {
  return new RoutingService(
    { current: config } as RoutingConfigService,
    { stateOf: (carrier: string) => health[carrier] ?? 'unknown' } as CarrierHealthService,
    { now: () => new Date('2026-11-26T10:00:00Z') },
    { ...DEFAULT_ROUTING_OPTIONS, maxAttempts },
  );
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
    const step = service().reroute(reroute('telco-a', 1, []));
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
    const fromConnector = sut.reroute(reroute('telco-a', 1, []));
    const fromDlr = sut.reroute(reroute('telco-a', 1, [], 'dlr'));
    expect(fromDlr.outbound?.eventId).toBe(fromConnector.outbound?.eventId);
    expect(fromDlr.outbound?.carrierId).toBe(fromConnector.outbound?.carrierId);
  });

  it('fails the message once the attempts are used up, naming the carriers tried', () => {
    const step = service({}, 3).reroute(reroute('telco-c', 3, ['telco-a', 'telco-b']));
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
    const step = service({}, 5).reroute(reroute('telco-c', 3, ['telco-a', 'telco-b']));
    expect(step.status).toMatchObject({ status: 'failed', errorCode: 'no_carrier_left' });
  });

  it('skips an unhealthy carrier on the first attempt', () => {
    const step = service({ 'telco-a': 'unhealthy' }).routeAccepted(accepted);
    expect(step.outbound?.carrierId).toBe('telco-b');
    expect(step.status.detail).toContain('telco-a unhealthy down');
  });
});
