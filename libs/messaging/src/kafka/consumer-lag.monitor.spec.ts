import { METRICS, Metrics } from '@tuxhat/observability';

import { ConsumerLagMonitor, lagOf } from './consumer-lag.monitor';

describe(lagOf.name, () => {
  it('sums what each partition has beyond its committed offset', () => {
    expect(
      lagOf(
        [
          { partition: 0, offset: '10' },
          { partition: 1, offset: '7' },
        ],
        [
          { partition: 0, low: '0', high: '15' },
          { partition: 1, low: '0', high: '7' },
        ],
      ),
    ).toBe(5);
  });

  it('counts a partition without a commit from its low watermark, as the group will read it', () => {
    expect(
      lagOf(
        [{ partition: 0, offset: '-1' }],
        [
          { partition: 0, low: '100', high: '130' },
          { partition: 1, low: '5', high: '6' },
        ],
      ),
    ).toBe(31);
  });

  it('never reports a negative lag (a commit ahead of a stale watermark)', () => {
    expect(lagOf([{ partition: 0, offset: '12' }], [{ partition: 0, low: '0', high: '10' }])).toBe(
      0,
    );
  });
});

/** A broker whose every topic has one partition ending at `high`, committed up to `committed`. */
function brokerAdmin(
  { high, committed }: { high: string; committed: string },
  connect: () => Promise<void> = async () => undefined,
) {
  return {
    connect,
    disconnect: async () => undefined,
    fetchWatermarks: async () => [{ partition: 0, low: '0', high }],
    fetchGroupOffsets: async () => [{ partition: 0, offset: committed }],
    ensureTopics: async () => [],
    listTopics: async () => [],
  };
}

describe(ConsumerLagMonitor.name, () => {
  it('never fails the consumer it watches: a broker that cannot be reached is logged, then tried again', async () => {
    let reachable = false;
    const warnings: string[] = [];
    const admin = brokerAdmin({ high: '4', committed: '1' }, async () => {
      if (!reachable) throw new Error('connection refused');
    });
    const metrics = new Metrics();
    const sut = new ConsumerLagMonitor({
      admin,
      group: 'dlr',
      topics: ['sms.sent.v1'],
      intervalMs: 60_000,
      metrics,
      logger: {
        log: () => undefined,
        error: () => undefined,
        warn: (m: string) => warnings.push(m),
      },
    });
    await sut.start();
    await sut.measure();
    expect(warnings).toEqual(['dlr: reading consumer lag failed: connection refused']);
    reachable = true;
    await sut.measure();
    expect(
      await metrics.valueOf(METRICS.kafkaConsumerLag, { group: 'dlr', topic: 'sms.sent.v1' }),
    ).toBe(3);
    await sut.stop();
  });

  it('reads the topics added while running from the next reading on, and forgets them at stop', async () => {
    const admin = brokerAdmin({ high: '9', committed: '4' });
    const metrics = new Metrics();
    const logger = { log: () => undefined, error: () => undefined, warn: () => undefined };
    const sut = new ConsumerLagMonitor({
      admin,
      group: 'smpp-connector',
      topics: ['sms.outbound.v1.telco-a'],
      intervalMs: 60_000,
      metrics,
      logger,
    });
    const added = { group: 'smpp-connector', topic: 'sms.outbound.v1.telco-b' };
    await sut.start();
    expect(await metrics.valueOf(METRICS.kafkaConsumerLag, added)).toBe(0);
    sut.addTopics(['sms.outbound.v1.telco-b']);
    await sut.measure();
    expect(await metrics.valueOf(METRICS.kafkaConsumerLag, added)).toBe(5);
    await sut.stop();
    expect(await metrics.valueOf(METRICS.kafkaConsumerLag, added)).toBe(0);
  });
});
