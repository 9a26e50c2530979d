import type { SmsOutboundEvent } from '@tuxhat/contracts';
import { bumpConfigRevision } from '@tuxhat/runtime';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { CarrierSessions } from '../src/carrier-sessions.service';
import { ACCOUNT, ConnectorFixture, type RunningConnector } from './support/connector-fixture';

/**
 * Carriers on one SMSC account (host, port, system_id) split between connector pods, as in
 * cluster mode. The SMSC delivers a receipt on any bind of the account, so the pod it comes to
 * names on sms.dlr.raw (accountCarrierIds) every carrier of the account in the carriers table,
 * held by it or not, enabled or not: the dlr then matches the message whichever of them sent it.
 * The sender here binds as a transmitter only, so every receipt comes on the other pod's bind.
 */
describe('smpp-connector names every carrier of the SMSC account, whichever pod holds it', () => {
  let fixture: ConnectorFixture;
  let smsc: SmscSimulator;
  let port: number;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_account_carriers');
    smsc = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    port = (await smsc.start()).port;
    await fixture.seedCarrier('shared-tx', port, { bindMode: 'transmitter' });
    await fixture.seedCarrier('shared-trx', port);
    // Disabled now, but receipts for what it sent before still come.
    await fixture.seedCarrier('shared-off', port, {}, false);
    await fixture.seedCarrier('elsewhere', port, { systemId: 'another' });
  });

  afterEach(() => fixture.stopConnectors());

  afterAll(async () => {
    await smsc?.stop();
    await fixture?.cleanup();
  });

  /** Pod B holds shared-trx (the receiving bind), pod A shared-tx (the sender). */
  async function startPods(podBConfigPollMs: number) {
    const podB = await fixture.start({ carriers: ['shared-trx'], configPollMs: podBConfigPollMs });
    const podA = await fixture.start({ carriers: ['shared-tx'] });
    await waitFor('both binds', () => (smsc.stats().boundSessions === 2 ? true : undefined));
    return { podA, podB };
  }

  /** Sends from shared-tx through pod A; resolves with the receipts pod B published for them. */
  async function receiptsOnPodB(podA: RunningConnector, podB: RunningConnector, text: string) {
    const events: SmsOutboundEvent[] = Array.from({ length: 3 }, (_, i) =>
      fixture.outbound('shared-tx', `${text} ${i}`),
    );
    podA.publish(...events);
    const sent = await podA.sent.waitFor(events.length, (item) =>
      events.some((event) => event.message.messageId === item.messageId),
    );
    const ids = sent.flatMap((item) => item.parts.map((part) => part.carrierMessageId));
    return podB.receipts.waitFor(ids.length, (item) => ids.includes(item.carrierMessageId));
  }

  it("lists the account's carriers from the boot's read of the table, before any poll", async () => {
    // No poll in the test's time: what pod B knows of shared-tx comes from its boot.
    const { podA, podB } = await startPods(600_000);
    const receipts = await receiptsOnPodB(podA, podB, 'Across pods');
    for (const receipt of receipts) {
      expect(receipt.carrierId).toBe('shared-trx');
      expect(receipt.accountCarrierIds).toEqual(['shared-off', 'shared-trx', 'shared-tx']);
    }
  });

  it('adds a carrier of the account created while it runs, once its watcher has read it', async () => {
    const { podA, podB } = await startPods(100);
    // Pod B's own answer (Nest's loggers are process-wide: a log line could be pod A's).
    const sessions = podB.app.get(CarrierSessions);
    expect(sessions.accountCarriersOf('shared-trx')).toEqual([
      'shared-off',
      'shared-trx',
      'shared-tx',
    ]);

    // Held by no pod: pod B is assigned shared-trx only.
    await fixture.seedCarrier('shared-late', port);
    await bumpConfigRevision(fixture.db.database.prisma);
    await waitFor("pod B's watcher to read shared-late", () =>
      sessions.accountCarriersOf('shared-trx').includes('shared-late') ? true : undefined,
    );
    const receipts = await receiptsOnPodB(podA, podB, 'After the change');
    for (const receipt of receipts) {
      expect(receipt.carrierId).toBe('shared-trx');
      expect(receipt.accountCarrierIds).toEqual([
        'shared-late',
        'shared-off',
        'shared-trx',
        'shared-tx',
      ]);
    }
    // Known, not taken up: no pod binds it.
    expect(smsc.stats().boundSessions).toBe(2);
    expect(sessions.heldCarriers()).toEqual(['shared-trx']);
  });
});
