import { randomUUID } from 'node:crypto';

import { ACCOUNTING_RECORDS } from '@tuxhat/contracts';
import {
  ClusterProcesses,
  type E2eTenant,
  SimulatorProcess,
  writeGatewayConfig,
} from '@tuxhat/system-harness';
import { bumpConfigRevision } from '@tuxhat/runtime';
import {
  KafkaTopicReader,
  createTestDatabase,
  requiredTestEnv,
  type TestDatabase,
  waitFor,
} from '@tuxhat/testing';

import { TenantClient, statusesOf } from './support/tenant-client';

/**
 * Cluster mode as deployed: Kafka and PostgreSQL real, the seven services and two simulated
 * carriers each their own OS process.
 */
describe('cluster mode: one SMS through every service', () => {
  const run = randomUUID().slice(0, 6);
  const brokers = requiredTestEnv('KAFKA_BROKERS');
  let database: TestDatabase;
  let carrier: SimulatorProcess;
  let racingCarrier: SimulatorProcess;
  /** The SMSC of the carrier added while the cluster runs. */
  let lateCarrier: SimulatorProcess | undefined;
  let cluster: ClusterProcesses;
  let tenants: E2eTenant[];
  let acme: TenantClient;
  let other: TenantClient;
  const accountingTopic = new KafkaTopicReader(brokers.split(','));

  beforeAll(async () => {
    database = await createTestDatabase('e2e_cluster');
    carrier = await SimulatorProcess.create();
    // Sends every delivery receipt before the submit_sm_resp it belongs to.
    racingCarrier = await SimulatorProcess.create({ SMSC_SIM_RECEIPT_BEFORE_RESPONSE: 'true' });
    await Promise.all([carrier.start(), racingCarrier.start()]);

    const config = writeGatewayConfig(
      [`acme-${run}`, `other-${run}`],
      [
        { id: `sim-${run}`, port: carrier.port, password: carrier.password, prefix: '+38267' },
        {
          id: `race-${run}`,
          port: racingCarrier.port,
          password: racingCarrier.password,
          prefix: '+38268',
        },
      ],
    );
    tenants = config.tenants;
    cluster = await ClusterProcesses.start({
      brokers,
      databaseUrl: database.url,
      configFile: config.file,
    });
    acme = new TenantClient(cluster.httpUrl, tenants[0].key.key, cluster.grpcAddress);
    other = new TenantClient(cluster.httpUrl, tenants[1].key.key, cluster.grpcAddress);
    // From the end: the topic carries every earlier run's records, which a reader starting at
    // the beginning of a long-lived broker spent the test's timeout catching up on.
    await accountingTopic.start([ACCOUNTING_RECORDS.name], { from: 'end' });
  });

  afterAll(async () => {
    acme?.close();
    other?.close();
    await accountingTopic.stop();
    await cluster?.stop();
    await Promise.all([carrier?.stop(), racingCarrier?.stop(), lateCarrier?.stop()]);
    await database?.drop();
  });

  it('delivers a REST message with its full status history and one accounting record', async () => {
    const response = await acme.post('/v1/messages', {
      to: '+38267123456',
      from: 'TuxHat',
      text: `Your code is ${run}`,
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'accepted', encoding: 'gsm7', parts: 1 });
    const id = String(response.body.id);

    const message = await acme.waitForStatus(id, 'delivered');
    // Accepted twice: by ingress (stored), then by policy (naming the rules that let it through).
    expect(statusesOf(message)).toEqual(['accepted', 'accepted', 'routed', 'sent', 'delivered']);
    expect(message.history.slice(0, 2).map((entry) => entry.source)).toEqual(['ingress', 'policy']);
    expect(message.history[2].detail).toContain(`sim-${run}`);
    expect(message.history[4].detail).toContain('DELIVRD');

    const submits = await carrier.submits();
    expect(submits.filter((submit) => submit.text === `Your code is ${run}`)).toHaveLength(1);

    const [record] = await accountingTopic.waitFor(1, (item) => item.value.includes(id));
    const event = ACCOUNTING_RECORDS.schema.parse(JSON.parse(record.value));
    expect(record.key).toBe(tenants[0].id);
    expect(event).toMatchObject({
      messageId: id,
      tenantId: tenants[0].id,
      destination: '+38267123456',
      carrierId: `sim-${run}`,
      parts: 1,
      finalStatus: 'delivered',
      // The steps accounting kept in memory until the end match the history's.
      routedAt: message.history[2].at,
      sentAt: message.history[3].at,
      finalAt: message.history[4].at,
    });
  });

  it('delivers a gRPC message and serves it over gRPC', async () => {
    const reply = await acme.grpcSubmit({
      to: '+38267123457',
      from: 'TuxHat',
      text: `gRPC ${run}`,
    });
    expect(reply).toMatchObject({ status: 'accepted', encoding: 'gsm7', parts: 1 });
    await acme.waitForStatus(String(reply.id), 'delivered');
    const message = await acme.grpcGet(String(reply.id));
    expect(message).toMatchObject({ id: reply.id, status: 'delivered', to: '+38267123457' });
    expect((message.history as { status: string }[]).map((entry) => entry.status)).toEqual([
      'accepted',
      'accepted',
      'routed',
      'sent',
      'delivered',
    ]);
  });

  it('correlates a receipt that arrives before the submit_sm_resp', async () => {
    const id = await acme.send('+38268123456', `race ${run}`);
    const message = await acme.waitForStatus(id, 'delivered');
    expect(statusesOf(message)).toContain('sent');
    expect(statusesOf(message).at(-1)).toBe('delivered');
    expect(
      (await racingCarrier.submits()).filter((submit) => submit.text === `race ${run}`),
    ).toHaveLength(1);
  });

  it("never shows one tenant another tenant's message", async () => {
    const id = await acme.send('+38267123458', `private ${run}`);
    const seen = await other.get(`/v1/messages/${id}`);
    expect(seen.status).toBe(404);
    expect(seen.body).toMatchObject({ code: 'message_not_found' });
    await expect(other.grpcGet(id)).rejects.toMatchObject({ code: 5 /* NOT_FOUND */ });
  });

  it('serves a carrier added while running: its topics created, consumed and delivered', async () => {
    // As the admin API does it: the rows and a config revision bump in one transaction. The new
    // carrier is an SMSC of its own (receipts come back on the carrier's own bind); its outbound
    // topics do not exist yet.
    const carrierId = `late-${run}`;
    const prisma = database.database.prisma;
    lateCarrier = await SimulatorProcess.create();
    await lateCarrier.start();
    const { port, password } = lateCarrier;
    await prisma.$transaction(async (tx) => {
      const template = await tx.carrier.findUniqueOrThrow({ where: { id: `sim-${run}` } });
      const { smpp } = template.config as { smpp: Record<string, unknown> };
      await tx.carrier.create({
        data: {
          id: carrierId,
          name: 'Added while running',
          kind: 'smpp',
          config: { smpp: { ...smpp, port, password } },
        },
      });
      await tx.route.create({
        data: { id: `via-${carrierId}`, priority: 0, destinationPrefix: '+38269', carrierId },
      });
      await bumpConfigRevision(tx);
    });

    // Until routing has the route a message fails (no route); until the connector consumes the
    // carrier's topic, one routed to it waits there. Probe until one is delivered.
    let probe = 0;
    const delivered = await waitFor(
      'a message to the new carrier delivered',
      async () => {
        const id = await acme.send(`+38269${100_000 + probe}`, `late ${run} #${probe++}`);
        const status = await waitFor(`message ${id} final`, async () => {
          const { body } = await acme.get(`/v1/messages/${id}`);
          return ['delivered', 'failed'].includes(String(body.status)) ? body : undefined;
        });
        return status.status === 'delivered' ? status : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(JSON.stringify(delivered.history)).toContain(carrierId);
    const text = `after ${run}`;
    const id = await acme.send('+38269200000', text);
    const after = await waitFor(`message ${id} final`, async () => {
      const { body } = await acme.get(`/v1/messages/${id}`);
      return ['delivered', 'failed'].includes(String(body.status)) ? body : undefined;
    });
    expect(after).toMatchObject({ status: 'delivered' });
    const submits = await lateCarrier.submits();
    expect(submits.filter((submit) => submit.text === text)).toHaveLength(1);
  });
});
