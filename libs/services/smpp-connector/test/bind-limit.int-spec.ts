import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { ACCOUNT, ConnectorFixture } from './support/connector-fixture';

/**
 * Scaling out never exceeds a carrier's bind limit: pods hold bind slots in the database, a pod
 * opens a bind per slot it holds, and a pod that finds every slot taken waits as a standby
 * (without consuming) until one frees up.
 */
describe('smpp-connector bind limit across pods', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  let maxBound = 0;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector_bind_limit');
    simulator = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    simulator.on('bind', () => {
      maxBound = Math.max(maxBound, simulator.stats().boundSessions);
    });
    const { port } = await simulator.start();
    await fixture.seedCarrier('limited', port, {
      binds: [{ mode: 'transceiver', count: 2 }],
      maxBinds: 3,
    });
  });

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
  });

  const start = () =>
    fixture.start({ carriers: ['limited'], leases: { renewMs: 100, ttlMs: 5_000 } });
  const bound = (count: number) =>
    waitFor(`${count} binds`, () => (simulator.stats().boundSessions === count ? true : undefined));
  const slotsOf = async () =>
    fixture.db.database.prisma.smppBindLease.findMany({ where: { carrierId: 'limited' } });

  it('shares maxBinds between pods, keeps a third pod on standby, and hands slots over when a pod stops', async () => {
    const first = await start();
    await bound(2);
    const second = await start();
    await bound(3);
    expect(new Set((await slotsOf()).map((lease) => lease.holder)).size).toBe(2);

    let thirdStarted = false;
    const third = start().then((connector) => {
      thirdStarted = true;
      return connector;
    });
    // The third pod finds no free slot: it neither binds nor starts consuming.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(thirdStarted).toBe(false);
    expect(simulator.stats().boundSessions).toBe(3);

    await first.close();
    const standby = await third;
    await bound(3);
    // The second pod took its second slot back, or the third took two: never more than three.
    expect((await slotsOf()).length).toBe(3);
    expect(maxBound).toBe(3);

    const event = fixture.outbound('limited', 'Sent by whoever holds a bind');
    standby.publish(event);
    await standby.sent.waitFor(1, (item) => item.messageId === event.message.messageId);

    await second.close();
    await standby.close();
    expect(await slotsOf()).toEqual([]);
  });
});
