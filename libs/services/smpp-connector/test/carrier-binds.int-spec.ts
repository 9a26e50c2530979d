import { CommandStatus } from '@tuxhat/smpp';
import { SmscSimulator, type SmscSimulatorEvents } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { ACCOUNT, ConnectorFixture } from './support/connector-fixture';

type BindEvent = SmscSimulatorEvents['bind'][0];

/** Several binds per carrier, bind parameters, balancing, carrier health, restarts, drain. */
describe('smpp-connector binds of a carrier', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  let port: number;
  const binds: BindEvent[] = [];

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector_binds');
    simulator = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    simulator.on('bind', (event) => binds.push(event));
    port = (await simulator.start()).port;
    await fixture.seedCarrier('multi', port, {
      binds: [
        { mode: 'transmitter', count: 2 },
        { mode: 'receiver', count: 1 },
      ],
      systemType: 'VMA',
      addrTon: 1,
      addrNpi: 1,
      addressRange: '^1234',
      sourceTon: 5,
      sourceNpi: 0,
      destTon: 1,
      destNpi: 1,
      windowSize: 5,
    });
  });

  afterEach(() => fixture.stopConnectors());

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
  });

  const boundNow = () => simulator.stats().boundSessions;

  it('opens every configured bind with its mode, system_type, TON/NPI and address_range', async () => {
    binds.length = 0;
    await fixture.start({ carriers: ['multi'] });
    await waitFor('3 binds', () => (boundNow() === 3 ? true : undefined));
    expect(binds.map((bind) => bind.bindType).sort()).toEqual([
      'receiver',
      'transmitter',
      'transmitter',
    ]);
    for (const bind of binds) {
      expect(bind).toMatchObject({
        commandStatus: CommandStatus.ESME_ROK,
        systemId: ACCOUNT.systemId,
        systemType: 'VMA',
        addrTon: 1,
        addrNpi: 1,
        addressRange: '^1234',
      });
    }
  });

  it('spreads submits over the transmitters, and brings receipts and MOs in through the receiver', async () => {
    const connector = await fixture.start({ carriers: ['multi'] });
    await waitFor('3 binds', () => (boundNow() === 3 ? true : undefined));
    const before = simulator.received().length;
    const events = Array.from({ length: 20 }, (_, i) => fixture.outbound('multi', `Balanced ${i}`));
    connector.publish(...events);
    await connector.sent.waitFor(20, (item) =>
      events.some((event) => event.message.messageId === item.messageId),
    );
    const submits = simulator.received().slice(before);
    expect(submits).toHaveLength(20);
    expect(new Set(submits.map((submit) => submit.bindType))).toEqual(new Set(['transmitter']));
    const perBind = new Map<number, number>();
    for (const submit of submits) {
      perBind.set(submit.connectionId, (perBind.get(submit.connectionId) ?? 0) + 1);
      // The carrier's TON/NPI settings, not the defaults by sender kind.
      expect(submit).toMatchObject({ sourceAddrTon: 5, sourceAddrNpi: 0, destAddrTon: 1 });
    }
    expect(perBind.size).toBe(2);
    for (const count of perBind.values()) expect(count).toBeGreaterThanOrEqual(5);

    const ids = submits.map((submit) => submit.messageId);
    const receipts = await connector.receipts.waitFor(20, (item) =>
      ids.includes(item.carrierMessageId),
    );
    // No other carrier held on the SMSC account: the receipt names its carrier only.
    expect(receipts.filter((item) => item.accountCarrierIds !== undefined)).toEqual([]);
    await simulator.injectMo({ from: '+38267000001', to: '1234', text: 'MO via receiver' });
    await connector.mos.waitFor(1, (item) => item.text === 'MO via receiver');
  });

  it('names every carrier of the SMSC account on a receipt when several share it', async () => {
    // Two carriers on one SMSC account: the SMSC may deliver one's receipts on the other's bind.
    await fixture.seedCarrier('twin-a', port);
    await fixture.seedCarrier('twin-b', port);
    const connector = await fixture.start({ carriers: ['twin-a', 'twin-b'] });
    await waitFor('2 binds', () => (boundNow() === 2 ? true : undefined));
    const events = Array.from({ length: 6 }, (_, i) => fixture.outbound('twin-a', `Twin ${i}`));
    connector.publish(...events);
    const sent = await connector.sent.waitFor(6, (item) =>
      events.some((event) => event.message.messageId === item.messageId),
    );
    const ids = sent.flatMap((item) => item.parts.map((part) => part.carrierMessageId));
    const receipts = await connector.receipts.waitFor(6, (item) =>
      ids.includes(item.carrierMessageId),
    );
    for (const receipt of receipts) {
      // multi too: in the carriers table on the same account, though this pod does not hold it
      // (account-carriers.int-spec.ts: carriers split between pods).
      expect(receipt.accountCarrierIds).toEqual(['multi', 'twin-a', 'twin-b']);
      expect(['twin-a', 'twin-b']).toContain(receipt.carrierId);
    }
  });

  it('reports carrier health on every bind change and every interval, and re-binds after the SMSC restarts', async () => {
    const connector = await fixture.start({ carriers: ['multi'] });
    const [up] = await connector.health.waitFor(1, (item) => item.bindsUp === 3);
    expect(up).toMatchObject({
      carrierId: 'multi',
      instanceId: 'test-pod',
      healthy: true,
      bindsConfigured: 3,
      ttlMs: 3_000,
    });

    const event = fixture.outbound('multi', 'Counted');
    connector.publish(event);
    await connector.sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    const [counted] = await connector.health.waitFor(1, (item) => item.submitted >= 1);
    expect(counted.errors).toBe(0);

    const reportsBefore = connector.health.events.length;
    await simulator.stop();
    const [down] = await connector.health.waitFor(1, (item) => item.bindsUp === 0);
    expect(down).toMatchObject({ healthy: false, bindsConfigured: 3 });
    expect(connector.health.events.length).toBeGreaterThan(reportsBefore);

    await simulator.start();
    await connector.health.waitFor(
      1,
      (item) => item.bindsUp === 3 && item.occurredAt > down.occurredAt,
    );
    await waitFor('re-bound', () => (boundNow() === 3 ? true : undefined));
    const after = fixture.outbound('multi', 'After the restart');
    connector.publish(after);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === after.message.messageId,
    );
    expect(sent.carrierId).toBe('multi');
  });

  it('drains on shutdown: every queued and outstanding submit gets its answer, then every bind unbinds', async () => {
    const connector = await fixture.start({ carriers: ['multi'] });
    await waitFor('3 binds', () => (boundNow() === 3 ? true : undefined));
    simulator.pauseResponses();
    const events = Array.from({ length: 14 }, (_, i) => fixture.outbound('multi', `Drain ${i}`));
    const before = simulator.received().length;
    connector.publish(...events);
    // Two transmitters with a window of 5: ten outstanding, four waiting for a slot.
    await waitFor('windows full', () => (simulator.stats().outstanding === 10 ? true : undefined));
    const unbinds: unknown[] = [];
    simulator.on('unbind', (event) => unbinds.push(event));
    const closing = connector.close();
    simulator.resumeResponses();
    await closing;
    expect(simulator.received().length - before).toBe(14);
    expect(
      connector.sent.events.filter((item) =>
        events.some((event) => event.message.messageId === item.messageId),
      ),
    ).toHaveLength(14);
    expect(unbinds).toHaveLength(3);
    await waitFor('all unbound', () => (boundNow() === 0 ? true : undefined));
  });
});
