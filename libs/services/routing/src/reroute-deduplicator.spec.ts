import { type SmsRerouteEvent, newEnvelope } from '@tuxhat/contracts';

import { message } from './config/routing-config.fixture';
import { RerouteDeduplicator } from './reroute-deduplicator';

const msg = message();
const reroute = (attempt: number, source = 'smpp-connector'): SmsRerouteEvent => ({
  ...newEnvelope(),
  message: msg,
  carrierId: 'telco-a',
  routeId: 'r',
  attempt,
  triedCarriers: [],
  reason: 'timeout',
  source,
});

describe(RerouteDeduplicator.name, () => {
  it('lets one request per attempt through, within a batch and across batches once remembered', () => {
    const sut = new RerouteDeduplicator();
    const first = sut.fresh([reroute(1), reroute(1, 'dlr'), reroute(2)]);
    expect(first.map((event) => event.attempt)).toEqual([1, 2]);
    expect(sut.fresh([reroute(1)])).toHaveLength(1); // not remembered yet: publishing may fail
    sut.remember(first);
    expect(sut.fresh([reroute(1), reroute(2), reroute(3)]).map((event) => event.attempt)).toEqual([
      3,
    ]);
  });
});
