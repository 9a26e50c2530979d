import type { SmsOutboundEvent } from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { bumpConfigRevision } from '@tuxhat/runtime';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { ACCOUNT, ConnectorFixture, type RunningConnector } from './support/connector-fixture';

/**
 * Carrier settings changed while the connector runs (the carriers table and a config revision
 * bump, as the admin API does): replaced binds with nothing lost or sent twice, rejected settings
 * that leave the carrier as it was, disabling and enabling.
 */
describe('smpp-connector follows carrier changes without a restart', () => {
  let fixture: ConnectorFixture;
  /** Answers slowly, so a change finds submits in flight and parts queued. */
  let first: SmscSimulator;
  let second: SmscSimulator;
  let firstPort: number;
  let secondPort: number;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_carrier_changes');
    first = new SmscSimulator({ accounts: [ACCOUNT], responseDelayMs: 150, deliveryDelayMs: 10 });
    second = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    firstPort = (await first.start()).port;
    secondPort = (await second.start()).port;
  });

  afterEach(() => fixture.stopConnectors());

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await fixture?.cleanup();
  });

  /** Changes a carrier row and bumps the config revision in one transaction, as the admin API. */
  async function changeCarrier(
    id: string,
    change: {
      smpp?: (smpp: Record<string, unknown>) => Record<string, unknown>;
      enabled?: boolean;
    },
  ): Promise<void> {
    await fixture.db.database.prisma.$transaction(async (tx) => {
      const row = await tx.carrier.findUniqueOrThrow({ where: { id } });
      const smpp = (row.config as { smpp: Record<string, unknown> }).smpp;
      await tx.carrier.update({
        where: { id },
        data: {
          config: { smpp: (change.smpp ? change.smpp(smpp) : smpp) as Prisma.InputJsonObject },
          ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
        },
      });
      await bumpConfigRevision(tx);
    });
  }

  const start = (carrier: string) =>
    fixture.start({ carriers: [carrier], configPollMs: 100, notBoundWaitMs: 3_000 });

  const destinationsOf = (events: readonly SmsOutboundEvent[]) =>
    new Set(events.map((event) => event.message.destination.slice(1)));

  /** Submits each SMSC received for these messages. */
  const receivedBy = (simulator: SmscSimulator, events: readonly SmsOutboundEvent[]) => {
    const wanted = destinationsOf(events);
    return simulator.received().filter((record) => wanted.has(record.destinationAddr));
  };

  const batch = (carrier: string, label: string, size: number) =>
    Array.from({ length: size }, (_, i) => fixture.outbound(carrier, `${label} ${i}`));

  const sentOnce = async (connector: RunningConnector, events: readonly SmsOutboundEvent[]) => {
    const ids = new Set(events.map((event) => event.message.messageId));
    const sent = await connector.sent.waitFor(events.length, (event) => ids.has(event.messageId));
    expect(new Set(sent.map((event) => event.messageId)).size).toBe(events.length);
  };

  it('moves a running carrier to another SMSC: traffic before, during and after arrives exactly once, later traffic on the new SMSC', async () => {
    await fixture.seedCarrier('moving', firstPort, { windowSize: 2 });
    const connector = await start('moving');
    await waitFor('a bind to the first SMSC', () =>
      first.stats().boundSessions === 1 ? true : undefined,
    );

    const before = batch('moving', 'Before', 4);
    connector.publish(...before);
    await sentOnce(connector, before);

    // A window of 2 answered in 150 ms: most of these wait in the dispatcher when the change lands.
    const during = batch('moving', 'During', 12);
    connector.publish(...during);
    await changeCarrier('moving', { smpp: (smpp) => ({ ...smpp, port: secondPort }) });
    await connector.logger.waitFor(
      /carrier moving: settings changed \(port\); replacing its binds/,
    );
    const meanwhile = batch('moving', 'Meanwhile', 4);
    connector.publish(...meanwhile);
    await connector.logger.waitFor(/carrier moving: running on its new settings/);

    const after = batch('moving', 'After', 6);
    connector.publish(...after);
    const all = [...before, ...during, ...meanwhile, ...after];
    await sentOnce(connector, all);

    // Exactly once at the SMSCs: each message once, on one of them.
    const submits = [...receivedBy(first, all), ...receivedBy(second, all)];
    expect(submits).toHaveLength(all.length);
    expect(new Set(submits.map((record) => record.destinationAddr)).size).toBe(all.length);
    expect(receivedBy(first, before)).toHaveLength(before.length);
    expect(receivedBy(second, after)).toHaveLength(after.length);
    expect(receivedBy(second, meanwhile)).toHaveLength(meanwhile.length);
    expect(receivedBy(second, during).length).toBeGreaterThan(0);
    expect(connector.reroutes.events).toEqual([]);
    expect(connector.statuses.events).toEqual([]);
    expect(first.stats().boundSessions).toBe(0);
    expect(second.stats().boundSessions).toBe(1);
  });

  it('keeps a carrier on its binds when its new settings do not validate, says so once, and takes them again once valid', async () => {
    await fixture.seedCarrier('steady', firstPort);
    const binds: string[] = [];
    const onBind = (event: { systemId: string }) => binds.push(event.systemId);
    first.on('bind', onBind);
    try {
      const connector = await start('steady');
      await waitFor('a bind', () => (binds.length === 1 ? true : undefined));

      // The schema refuses it.
      await changeCarrier('steady', { smpp: (smpp) => ({ ...smpp, port: 70_000 }) });
      await connector.logger.waitFor(
        /carrier steady: new settings rejected, it keeps running on its previous settings: carriers\[steady\]\.smpp\.port/,
      );
      await connector.health.waitFor(1, (event) =>
        (event.detail ?? '').includes('new settings rejected: carriers[steady].smpp.port'),
      );
      await changeCarrier('steady', {});
      // A bind cannot use it (the secret is not set): refused before any bind is touched.
      await changeCarrier('steady', {
        smpp: (smpp) => ({
          ...smpp,
          port: firstPort,
          password: { env: 'TUXHAT_NOT_SET_ANYWHERE' },
        }),
      });
      await connector.logger.waitFor(/new settings rejected.*carriers\[steady\]\.smpp\.password/);
      const portLines = connector.logger.entries.filter((entry) =>
        /rejected.*carriers\[steady\]\.smpp\.port/.test(entry.message),
      );
      expect(portLines).toHaveLength(1);

      const message = batch('steady', 'Still', 1);
      connector.publish(...message);
      await sentOnce(connector, message);
      expect(receivedBy(first, message)).toHaveLength(1);
      expect(binds).toHaveLength(1);

      // Back to what it runs on: valid again, and nothing to replace.
      await changeCarrier('steady', {
        smpp: (smpp) => ({ ...smpp, password: { env: 'SMPP_CONNECTOR_TEST_PASSWORD' } }),
      });
      await connector.logger.waitFor(/carrier steady: settings valid again/);
      expect(
        connector.logger.entries.some((entry) => entry.message.includes('replacing its binds')),
      ).toBe(false);
      expect(binds).toHaveLength(1);
    } finally {
      first.off('bind', onBind);
    }
  });

  it('stops a disabled carrier (in-flight submits answered, queued messages failed over, unbound) and starts it again when enabled', async () => {
    await fixture.seedCarrier('switchable', firstPort, { windowSize: 2 });
    const connector = await start('switchable');
    await waitFor('a bind', () => (first.stats().boundSessions === 1 ? true : undefined));

    const caught = batch('switchable', 'Caught', 8);
    connector.publish(...caught);
    await waitFor('submits in flight', () =>
      receivedBy(first, caught).length > 0 ? true : undefined,
    );
    await changeCarrier('switchable', { enabled: false });
    await connector.logger.waitFor(/carrier switchable: disabled in the carriers table/);

    const ids = new Set(caught.map((event) => event.message.messageId));
    const outcomes = () => [
      ...connector.sent.events.filter((event) => ids.has(event.messageId)).map((e) => e.messageId),
      ...connector.reroutes.events
        .filter((event) => ids.has(event.message.messageId))
        .map((event) => event.message.messageId),
    ];
    await waitFor('an outcome for every message', () =>
      outcomes().length >= caught.length ? true : undefined,
    );
    expect(new Set(outcomes()).size).toBe(caught.length);
    expect(outcomes()).toHaveLength(caught.length);
    const rerouted = connector.reroutes.events.filter((event) => ids.has(event.message.messageId));
    expect(rerouted.length).toBeGreaterThan(0);
    for (const event of rerouted) {
      expect(event).toMatchObject({ errorCode: 'SMPP_NOT_BOUND', mayHaveReached: false });
      expect(
        receivedBy(first, [caught.find((c) => c.message.messageId === event.message.messageId)!]),
      ).toEqual([]);
    }
    await waitFor('unbound', () => (first.stats().boundSessions === 0 ? true : undefined));
    await connector.health.waitFor(
      1,
      (event) => !event.healthy && (event.detail ?? '').startsWith('disabled'),
    );

    const whileDisabled = batch('switchable', 'Off', 1);
    connector.publish(...whileDisabled);
    await connector.reroutes.waitFor(
      1,
      (event) => event.message.messageId === whileDisabled[0].message.messageId,
    );
    expect(receivedBy(first, whileDisabled)).toEqual([]);

    await changeCarrier('switchable', { enabled: true });
    await connector.logger.waitFor(/carrier switchable: enabled in the carriers table; binding/);
    await waitFor('bound again', () => (first.stats().boundSessions === 1 ? true : undefined));
    const later = batch('switchable', 'On', 3);
    connector.publish(...later);
    await sentOnce(connector, later);
    expect(receivedBy(first, later)).toHaveLength(later.length);
  });

  it('claims and gives back bind slots as a carrier with a bind limit changes and is disabled', async () => {
    await fixture.seedCarrier('limited', secondPort, {
      maxBinds: 3,
      binds: [{ mode: 'transceiver', count: 2 }],
    });
    const slots = () =>
      fixture.db.database.prisma.smppBindLease.count({ where: { carrierId: 'limited' } });
    const bound = second.stats().boundSessions;
    const connector = await start('limited');
    await waitFor('2 binds', () => (second.stats().boundSessions === bound + 2 ? true : undefined));
    expect(await slots()).toBe(2);

    await changeCarrier('limited', {
      smpp: (smpp) => ({ ...smpp, binds: [{ mode: 'transceiver', count: 1 }] }),
    });
    await connector.logger.waitFor(/carrier limited: running on its new settings/);
    await waitFor('1 bind', () => (second.stats().boundSessions === bound + 1 ? true : undefined));
    expect(await slots()).toBe(1);
    const message = batch('limited', 'Limited', 2);
    connector.publish(...message);
    await sentOnce(connector, message);

    await changeCarrier('limited', { enabled: false });
    await waitFor('no slot held', async () => ((await slots()) === 0 ? true : undefined));
    await waitFor('unbound', () => (second.stats().boundSessions === bound ? true : undefined));
  });
});
