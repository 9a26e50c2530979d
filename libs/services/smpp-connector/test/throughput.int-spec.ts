import { SmscSimulator, type SubmitRecord } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { CarrierSessions } from '../src/carrier-sessions.service';
import { ACCOUNT, ConnectorFixture, type RunningConnector } from './support/connector-fixture';

/** submit_sm per second over a bind's records: intervals between the first and the last. */
function rateOf(records: readonly SubmitRecord[]): number {
  const times = records.map((record) => record.receivedAt.getTime()).sort((a, b) => a - b);
  return ((times.length - 1) * 1_000) / (times[times.length - 1] - times[0]);
}

/**
 * The pace the limiter set: submit_sm per second from the median interval between consecutive
 * submits. Unlike rateOf, a stall of the whole process (other test workers busy on the same
 * cores, a GC pause) does not lower it, while a limiter pacing too slow or too fast still moves it.
 */
function paceOf(records: readonly SubmitRecord[]): number {
  const times = records.map((record) => record.receivedAt.getTime()).sort((a, b) => a - b);
  const intervals = times
    .slice(1)
    .map((time, i) => time - times[i])
    .sort((a, b) => a - b);
  return 1_000 / intervals[Math.floor(intervals.length / 2)];
}

function byBind(records: readonly SubmitRecord[]): SubmitRecord[][] {
  const binds = new Map<number, SubmitRecord[]>();
  for (const record of records) {
    binds.set(record.connectionId, [...(binds.get(record.connectionId) ?? []), record]);
  }
  return [...binds.values()];
}

/** Throughput limits per bind and per carrier, and OTP first when the carrier is the bottleneck. */
describe('smpp-connector throughput', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector_throughput');
    simulator = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    const { port } = await simulator.start();
    const twoTransmitters = { binds: [{ mode: 'transmitter', count: 2 }], windowSize: 10 };
    await fixture.seedCarrier('per-bind', port, {
      ...twoTransmitters,
      throughput: { perBind: 50 },
    });
    await fixture.seedCarrier('per-carrier', port, {
      ...twoTransmitters,
      throughput: { perBind: 50, perCarrier: 60 },
    });
    await fixture.seedCarrier('narrow', port, { windowSize: 1 });
  });

  afterEach(() => fixture.stopConnectors());

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
  });

  async function sendMany(connector: RunningConnector, carrierId: string, count: number) {
    const events = Array.from({ length: count }, (_, i) =>
      fixture.outbound(carrierId, `Rate ${i}`),
    );
    const ids = new Set(events.map((event) => event.message.messageId));
    const before = simulator.received().length;
    connector.publish(...events);
    await connector.sent.waitFor(count, (item) => ids.has(item.messageId));
    return simulator.received().slice(before);
  }

  it('holds each bind within 10 % of its limit', async () => {
    const connector = await fixture.start({ carriers: ['per-bind'] });
    await waitFor('2 binds', () => (simulator.stats().boundSessions >= 2 ? true : undefined));
    const records = await sendMany(connector, 'per-bind', 150);
    const binds = byBind(records);
    expect(binds).toHaveLength(2);
    for (const bind of binds) {
      expect(bind.length).toBeGreaterThanOrEqual(50);
      // Never over the limit, measured from first to last; at the limit, measured by pace.
      expect(rateOf(bind)).toBeLessThanOrEqual(55);
      expect(paceOf(bind)).toBeGreaterThanOrEqual(45);
      expect(paceOf(bind)).toBeLessThanOrEqual(55);
    }
    // Two binds at 50/s each: the carrier gets about 100/s (each bind's pace: the two binds'
    // submits interleave, so the median interval of them together says nothing).
    expect(paceOf(binds[0]) + paceOf(binds[1])).toBeGreaterThan(85);
  });

  it('holds the carrier within 10 % of its own limit across its binds', async () => {
    const connector = await fixture.start({ carriers: ['per-carrier'] });
    await waitFor('2 binds', () => (simulator.stats().boundSessions >= 2 ? true : undefined));
    const records = await sendMany(connector, 'per-carrier', 120);
    expect(byBind(records)).toHaveLength(2);
    expect(rateOf(records)).toBeLessThanOrEqual(66);
    expect(paceOf(records)).toBeGreaterThanOrEqual(54);
    expect(paceOf(records)).toBeLessThanOrEqual(66);
  });

  it('gives OTP the next slot ahead of bulk while the window is full', async () => {
    const connector = await fixture.start({ carriers: ['narrow'] });
    const dispatcher = connector.app.get(CarrierSessions).linkOf('narrow')!.dispatcher;
    await waitFor('bound', () => (simulator.stats().boundSessions >= 1 ? true : undefined));
    simulator.pauseResponses();
    const bulk = Array.from({ length: 4 }, (_, i) =>
      fixture.outbound('narrow', `Campaign ${i}`, { message: { priority: 'bulk' } }),
    );
    const otp = Array.from({ length: 2 }, (_, i) =>
      fixture.outbound('narrow', `Code ${i}`, { message: { priority: 'otp' } }),
    );
    const before = simulator.received().length;
    connector.publish(...bulk);
    await waitFor('bulk queued', () => (dispatcher.queued === 3 ? true : undefined));
    connector.publish(...otp);
    await waitFor('otp queued', () => (dispatcher.queued === 5 ? true : undefined));
    simulator.resumeResponses();
    await connector.sent.waitFor(6, (item) =>
      [...bulk, ...otp].some((event) => event.message.messageId === item.messageId),
    );
    const order = simulator
      .received()
      .slice(before)
      .map((record) => record.text);
    expect(order).toEqual([
      'Campaign 0',
      'Code 0',
      'Code 1',
      'Campaign 1',
      'Campaign 2',
      'Campaign 3',
    ]);
  });
});
