import { SMS_OUTBOUND, type SmsOutboundEvent, topicForPhysicalName } from '@tuxhat/contracts';
import { bumpConfigRevision } from '@tuxhat/runtime';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import {
  ACCOUNT,
  ConnectorFixture,
  PASSWORD_ENV,
  type RunningConnector,
} from './support/connector-fixture';

/**
 * Carriers the connector did not hold at boot (added to the carriers table afterwards, or
 * disabled then), taken up while it runs: their binds open and their outbound topics are
 * consumed, without a restart. The bus keeps outbound records nobody consumes yet, as the
 * all-in-one gateway's does, so what routing sends before the connector takes the carrier up
 * is sent once it has.
 */
describe('smpp-connector takes up carriers while running', () => {
  let fixture: ConnectorFixture;
  let smsc: SmscSimulator;
  let port: number;

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_carrier_added');
    smsc = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    port = (await smsc.start()).port;
  });

  afterAll(async () => {
    await smsc?.stop();
    await fixture?.cleanup();
  });

  const sentOnce = async (connector: RunningConnector, events: readonly SmsOutboundEvent[]) => {
    const ids = new Set(events.map((event) => event.message.messageId));
    const sent = await connector.sent.waitFor(events.length, (event) => ids.has(event.messageId));
    expect(new Set(sent.map((event) => event.messageId)).size).toBe(events.length);
  };

  const submitsFor = (events: readonly SmsOutboundEvent[]) => {
    const wanted = new Set(events.map((event) => event.message.destination.slice(1)));
    return smsc.received().filter((record) => wanted.has(record.destinationAddr));
  };

  it('binds and sends for a carrier added, and for one enabled that was disabled at boot', async () => {
    await fixture.seedCarrier('resident', port);
    await fixture.seedCarrier('dormant', port, {}, false);
    const connector = await fixture.start(
      { carriers: 'all', configPollMs: 100 },
      { keepUntilSubscribed: (topic) => topicForPhysicalName(topic) === SMS_OUTBOUND },
    );
    const boundAtBoot = smsc.stats().boundSessions;
    expect(boundAtBoot).toBe(1);

    // Routed before the connector takes the carrier up: kept on the bus until it does.
    const early = [fixture.outbound('joining', 'Early 1'), fixture.outbound('joining', 'Early 2')];
    connector.publish(...early);
    await fixture.seedCarrier('joining', port);
    await bumpConfigRevision(fixture.db.database.prisma);
    await connector.logger.waitFor(/carrier joining: added; consuming its messages and binding/);
    await waitFor('a bind for joining', () =>
      smsc.stats().boundSessions === boundAtBoot + 1 ? true : undefined,
    );
    const later = [fixture.outbound('joining', 'Later 1'), fixture.outbound('joining', 'Later 2')];
    connector.publish(...later);
    await sentOnce(connector, [...early, ...later]);
    expect(submitsFor([...early, ...later])).toHaveLength(4);
    await connector.health.waitFor(1, (event) => event.carrierId === 'joining' && event.healthy);

    await fixture.db.database.prisma.$transaction(async (tx) => {
      await tx.carrier.update({ where: { id: 'dormant' }, data: { enabled: true } });
      await bumpConfigRevision(tx);
    });
    await connector.logger.waitFor(/carrier dormant: added; consuming its messages and binding/);
    const woken = [fixture.outbound('dormant', 'Woken')];
    connector.publish(...woken);
    await sentOnce(connector, woken);
    expect(submitsFor(woken)).toHaveLength(1);
    expect(connector.reroutes.events).toEqual([]);
    expect(connector.statuses.events).toEqual([]);
  });

  it('reports a carrier it cannot take up unhealthy and hands its messages back to routing, until its settings are fixed', async () => {
    const connector = await fixture.start(
      { carriers: 'all', configPollMs: 100 },
      { keepUntilSubscribed: (topic) => topicForPhysicalName(topic) === SMS_OUTBOUND },
    );
    // Routed to the carrier as soon as it has a route, before any health report on it.
    const early = fixture.outbound('unready', 'Routed early');
    connector.publish(early);
    // Valid for the schema, unusable for a bind: the password's variable is not set here.
    await fixture.seedCarrier('unready', port, { password: { env: 'TUXHAT_NOT_SET_ANYWHERE' } });
    await bumpConfigRevision(fixture.db.database.prisma);
    // Routing fails over from it rather than routing it messages nobody consumes.
    const [report] = await connector.health.waitFor(
      1,
      (event) => event.carrierId === 'unready' && !event.healthy,
    );
    expect(report.detail).toMatch(
      /^not taken up, settings rejected: carriers\[unready\]\.smpp\.password/,
    );
    // What routing sent it meanwhile goes back to routing, before and after the report alike.
    const late = fixture.outbound('unready', 'Routed before routing saw the report');
    connector.publish(late);
    const rerouted = await connector.reroutes.waitFor(2);
    expect(rerouted.map((event) => event.message.messageId).sort()).toEqual(
      [early.message.messageId, late.message.messageId].sort(),
    );
    for (const event of rerouted) {
      expect(event).toMatchObject({
        carrierId: 'unready',
        triedCarriers: ['unready'],
        errorCode: 'CARRIER_NOT_TAKEN_UP',
        mayHaveReached: false,
      });
      expect(event.reason).toMatch(
        /^carrier unready not taken up by this smpp-connector, settings rejected: carriers\[unready\]\.smpp\.password/,
      );
    }
    expect(submitsFor([early, late])).toEqual([]);
    expect(connector.sent.events).toEqual([]);

    await fixture.db.database.prisma.$transaction(async (tx) => {
      const row = await tx.carrier.findUniqueOrThrow({ where: { id: 'unready' } });
      const config = row.config as { smpp: Record<string, unknown> };
      await tx.carrier.update({
        where: { id: 'unready' },
        data: { config: { smpp: { ...config.smpp, password: { env: PASSWORD_ENV } } } },
      });
      await bumpConfigRevision(tx);
    });
    await connector.logger.waitFor(/carrier unready: added; consuming its messages and binding/);
    await connector.health.waitFor(1, (event) => event.carrierId === 'unready' && event.healthy);
    const message = [fixture.outbound('unready', 'Ready now')];
    connector.publish(...message);
    await sentOnce(connector, message);
  });

  it('boots without the carriers it cannot use, runs the others, and hands their messages back to routing', async () => {
    // Added through the admin API while an earlier pod ran, say: a restart must not take the
    // pod's other carriers down with them.
    await fixture.seedCarrier('steadfast', port);
    await fixture.seedCarrier('locked', port, { password: { env: 'TUXHAT_NOT_SET_ANYWHERE' } });
    await fixture.seedCarrier('malformed', port, { port: 'two thousand' });
    const connector = await fixture.start(
      { carriers: ['steadfast', 'locked', 'malformed'], configPollMs: 100 },
      { keepUntilSubscribed: (topic) => topicForPhysicalName(topic) === SMS_OUTBOUND },
    );
    expect(connector.logger.entries.map((entry) => entry.message)).toContainEqual(
      'smpp-connector holds steadfast; not taken up, settings rejected: locked, malformed',
    );
    const [locked] = await connector.health.waitFor(
      1,
      (event) => event.carrierId === 'locked' && !event.healthy,
    );
    expect(locked.detail).toBe(
      'not taken up, settings rejected: carriers[locked].smpp.password: environment variable TUXHAT_NOT_SET_ANYWHERE is not set',
    );
    const [malformed] = await connector.health.waitFor(
      1,
      (event) => event.carrierId === 'malformed' && !event.healthy,
    );
    expect(malformed.detail).toMatch(
      /^not taken up, settings rejected: carriers\[malformed\]\.smpp\.port: /,
    );

    const handedBack = [
      fixture.outbound('locked', 'For the carrier without its password'),
      fixture.outbound('malformed', 'For the carrier with a broken row'),
    ];
    const delivered = [fixture.outbound('steadfast', 'For the carrier that is fine')];
    connector.publish(...handedBack, ...delivered);
    const rerouted = await connector.reroutes.waitFor(2);
    expect(rerouted.map((event) => event.message.messageId).sort()).toEqual(
      handedBack.map((event) => event.message.messageId).sort(),
    );
    for (const event of rerouted) {
      expect(event).toMatchObject({ errorCode: 'CARRIER_NOT_TAKEN_UP', mayHaveReached: false });
    }
    await sentOnce(connector, delivered);
    expect(submitsFor(delivered)).toHaveLength(1);
    expect(submitsFor(handedBack)).toEqual([]);
  });

  it('hands back what still comes for a carrier disabled, then removed, instead of fixed', async () => {
    await fixture.seedCarrier('abandoned', port, { password: { env: 'TUXHAT_NOT_SET_ANYWHERE' } });
    const connector = await fixture.start({ carriers: ['abandoned'], configPollMs: 100 });
    await connector.health.waitFor(1, (event) => event.carrierId === 'abandoned');
    const handedBack = async (text: string) => {
      const event = fixture.outbound('abandoned', text);
      connector.publish(event);
      const [rerouted] = await connector.reroutes.waitFor(
        1,
        (item) => item.message.messageId === event.message.messageId,
      );
      expect(rerouted).toMatchObject({ errorCode: 'CARRIER_DISABLED', mayHaveReached: false });
      return rerouted.reason;
    };

    await fixture.db.database.prisma.$transaction(async (tx) => {
      await tx.carrier.update({ where: { id: 'abandoned' }, data: { enabled: false } });
      await bumpConfigRevision(tx);
    });
    await connector.logger.waitFor(
      /^carrier abandoned: disabled in the carriers table while its settings were rejected; what still comes for it goes back to routing$/,
    );
    // Routed before routing saw it disabled: its outbound topics are still consumed.
    expect(await handedBack('Routed as it was disabled')).toBe(
      'carrier abandoned not taken up by this smpp-connector: disabled in the carriers table',
    );

    await fixture.db.database.prisma.$transaction(async (tx) => {
      await tx.carrier.delete({ where: { id: 'abandoned' } });
      await bumpConfigRevision(tx);
    });
    await connector.logger.waitFor(
      /^carrier abandoned: removed from the carriers table; what still comes for it goes back to routing$/,
    );
    expect(await handedBack('Routed as it was removed')).toBe(
      'carrier abandoned not taken up by this smpp-connector: removed from the carriers table',
    );
    expect(connector.sent.events).toEqual([]);
  });
});
