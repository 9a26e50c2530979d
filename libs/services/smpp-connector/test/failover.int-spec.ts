import { once } from 'node:events';

import { CommandStatus } from '@tuxhat/smpp';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { waitFor } from '@tuxhat/testing';

import { ACCOUNT, ConnectorFixture } from './support/connector-fixture';

/**
 * What the connector does when a carrier cannot take a message: a retryable refusal, a
 * response that never comes, a connection that drops, a carrier that keeps throttling. Routing
 * hears of it (sms.reroute) and the carrier never gets the message twice.
 */
describe('smpp-connector failover', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  const draws: number[] = [];

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector_failover');
    simulator = new SmscSimulator({
      accounts: [ACCOUNT],
      deliveryDelayMs: 10,
      throttleRate: 0.1,
      errorRate: 0.1,
      errorStatus: CommandStatus.ESME_RSYSERR,
      random: () => draws.shift() ?? 0.99,
    });
    const { port } = await simulator.start();
    await fixture.seedCarrier('flaky', port, { responseTimeoutMs: 300 });
  });

  afterEach(async () => {
    draws.length = 0;
    simulator.resumeResponses();
    await fixture.stopConnectors();
  });

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
  });

  const start = () => fixture.start({ carriers: ['flaky'] });
  const submitsTo = (destination: string) =>
    simulator.received().filter((record) => `+${record.destinationAddr}` === destination);

  it('reroutes on a retryable command_status, with the code, and never fails the message', async () => {
    const connector = await start();
    const event = fixture.outbound('flaky', 'System error at the carrier');
    draws.push(0.15); // errorRate draw: ESME_RSYSERR
    connector.publish(event);
    const [reroute] = await connector.reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
    expect(reroute).toMatchObject({
      carrierId: 'flaky',
      attempt: 1,
      triedCarriers: ['flaky'],
      errorCode: '0x00000008',
      reason: 'carrier answered ESME_RSYSERR (0x00000008)',
    });
    await connector.transport.idle();
    expect(connector.statuses.events).toHaveLength(0);
    expect(connector.sent.events).toHaveLength(0);
  });

  it('reports a carrier that fails most submits unhealthy while its bind is up, and healthy again once none come', async () => {
    const connector = await fixture.start({
      carriers: ['flaky'],
      health: { intervalMs: 1_000, instanceId: 'test-pod', minSubmits: 5, faultRatio: 0.5 },
    });
    await waitFor('bound', () => (simulator.stats().boundSessions > 0 ? true : undefined));
    const events = Array.from({ length: 20 }, (_, i) => fixture.outbound('flaky', `Failing ${i}`));
    draws.push(...events.map(() => 0.15)); // errorRate draws: every submit ESME_RSYSERR
    connector.publish(...events);
    await connector.reroutes.waitFor(20, (item) =>
      events.some((event) => event.message.messageId === item.message.messageId),
    );
    const [down] = await connector.health.waitFor(
      1,
      (item) => item.carrierId === 'flaky' && !item.healthy && item.bindsUp === 1,
    );
    // 20 submits, whichever way a report interval splits them: one side has at least 10.
    expect(down).toMatchObject({ bindsConfigured: 1 });
    expect(down.faults).toBeGreaterThanOrEqual(10);
    expect(down.detail).toMatch(
      new RegExp(
        `^faults ${down.faults} of ${down.submitted} submits in the last [0-9.]+ s; 1/1 binds up`,
      ),
    );
    // Nothing more is sent: the next report has no submits and the carrier may be tried again.
    const [again] = await connector.health.waitFor(
      1,
      (item) => item.carrierId === 'flaky' && item.healthy && item.occurredAt > down.occurredAt,
    );
    expect(again).toMatchObject({ submitted: 0, faults: 0, bindsUp: 1 });
  });

  it('reroutes when the response never comes, and never sends that message to this carrier again', async () => {
    const connector = await start();
    await waitFor('bound', () => (simulator.stats().boundSessions > 0 ? true : undefined));
    const event = fixture.outbound('flaky', 'Lost in the carrier');
    simulator.pauseResponses();
    connector.publish(event);
    const [reroute] = await connector.reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
    expect(reroute.errorCode).toBe('SMPP_RESPONSE_TIMEOUT');
    simulator.resumeResponses();
    // Routing has nowhere else to go and sends it back here: the carrier may have it already.
    connector.publish({ ...event, eventId: crypto.randomUUID(), attempt: 2 });
    await connector.transport.idle();
    expect(submitsTo(event.message.destination)).toHaveLength(1);
    expect(connector.logger.entries.map((entry) => entry.message)).toContainEqual(
      expect.stringMatching(new RegExp(`${event.message.messageId}: already sent to a carrier`)),
    );
  });

  it('reroutes the submits in flight when the connection drops', async () => {
    const connector = await start();
    await waitFor('bound', () => (simulator.stats().boundSessions > 0 ? true : undefined));
    const events = [
      fixture.outbound('flaky', 'In flight 1'),
      fixture.outbound('flaky', 'In flight 2'),
    ];
    simulator.pauseResponses();
    const arrived = once(simulator, 'submit');
    connector.publish(...events);
    await arrived;
    await waitFor('both sent', () => (simulator.stats().outstanding === 2 ? true : undefined));
    simulator.disconnectAll();
    simulator.resumeResponses();
    const reroutes = await connector.reroutes.waitFor(2, (item) =>
      events.some((event) => event.message.messageId === item.message.messageId),
    );
    expect(reroutes.map((item) => item.errorCode)).toEqual([
      'SMPP_CONNECTION_CLOSED',
      'SMPP_CONNECTION_CLOSED',
    ]);
    // The bind comes back by itself.
    await waitFor('re-bound', () => (simulator.stats().boundSessions > 0 ? true : undefined));
    const later = fixture.outbound('flaky', 'After the drop');
    connector.publish(later);
    await connector.sent.waitFor(1, (item) => item.messageId === later.message.messageId);
  });

  it('after rounds of throttling through the retry topic, gives the message to another carrier', async () => {
    const connector = await fixture.start({
      carriers: ['flaky'],
      throttleRetries: 1,
      throttleRoundsBeforeFailover: 2,
    });
    const event = fixture.outbound('flaky', 'Always throttled');
    draws.push(...Array.from({ length: 6 }, () => 0.05));
    connector.publish(event);
    const [reroute] = await connector.reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
    expect(reroute).toMatchObject({ errorCode: '0x00000058' });
    expect(reroute.reason).toMatch(/kept throttling after 2 rounds/);
    // 3 rounds (the first and two retries), each the submit and one resend after a rest.
    expect(submitsTo(event.message.destination).map((record) => record.commandStatus)).toEqual(
      Array.from({ length: 6 }, () => CommandStatus.ESME_RTHROTTLED),
    );
  });

  it('does not send a message whose validity ended before it reached the carrier', async () => {
    const connector = await start();
    const event = fixture.outbound('flaky', 'Too late', {
      message: { validUntil: new Date(Date.now() - 1_000).toISOString() },
    });
    connector.publish(event);
    const [expired] = await connector.statuses.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    expect(expired).toMatchObject({ status: 'expired', carrierId: 'flaky' });
    expect(submitsTo(event.message.destination)).toHaveLength(0);
  });
});
