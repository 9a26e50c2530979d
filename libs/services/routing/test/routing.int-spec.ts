import { randomUUID } from 'node:crypto';

import { type INestMicroservice, Logger } from '@nestjs/common';
import {
  CARRIER_HEALTH,
  type CarrierHealthEvent,
  type MessageFields,
  SMS_ACCEPTED,
  SMS_REROUTE,
  SMS_OUTBOUND,
  SMS_STATUS,
  type SmsOutboundEvent,
  type SmsRerouteEvent,
  type SmsStatusEvent,
  newEnvelope,
  outboundTopicsFor,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { Bus, EventPublisher, planTopics } from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  bumpConfigRevision,
  consumerGroupOf,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import {
  KafkaTopicReader,
  createTestDatabase,
  requiredTestEnv,
  startGroupAtEnd,
  type TestDatabase,
  testMessage,
  waitFor,
} from '@tuxhat/testing';

import { RoutingConfigService } from '../src/config/routing-config.service';
import { CarrierHealthService } from '../src/health/carrier-health.service';
import { RoutingModule } from '../src/routing.module';

// The routing service as it runs in cluster mode: its own consumer group on the real broker,
// rules in a real PostgreSQL schema, health read from carrier.health.v1. Each test has its own
// tenant (rules are scoped to it), so tests share one running service but not their routes.

const run = randomUUID().slice(0, 8);
const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
/** Carriers no test ever reports health for: their health stays unknown (usable). */
const A = 'rt-a';
const B = 'rt-b';
const C = 'rt-c';
/** Reported unhealthy by a test: a carrier of this run only, so no other run sees its reports. */
const H = `rt-h-${run}`;
const CARRIERS = [A, B, C, H];
const SHARD = `test-${run}`;
const GROUP = consumerGroupOf('routing', SHARD);
const MAX_ATTEMPTS = 3;

describe('routing service on Kafka and PostgreSQL', () => {
  let db: TestDatabase;
  let prisma: TestDatabase['database']['prisma'];
  let bus: Bus;
  let app: INestMicroservice;
  let client: ReturnType<Bus['createClient']>;
  let publisher: EventPublisher;
  let tail: KafkaTopicReader;
  let config: RoutingConfigService;
  let health: CarrierHealthService;

  beforeAll(async () => {
    db = await createTestDatabase('routing');
    prisma = db.database.prisma;
    await prisma.carrier.createMany({
      data: CARRIERS.map((id) => ({ id, name: id, kind: 'smpp' as const, config: {} })),
    });

    bus = Bus.create({ kind: 'kafka', kafka: { brokers, clientId: 'routing-test' } }, new Logger());
    const admin = bus.kafkaPort()!.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      ...planTopics({ carriers: CARRIERS }),
      { name: retryTopicFor(GROUP), partitions: 1 },
    ]);
    await admin.disconnect();
    // Route only what this run publishes, not what other runs left on the shared topics.
    await startGroupAtEnd(brokers, GROUP, [
      ...physicalTopicsOf(SMS_ACCEPTED),
      ...physicalTopicsOf(SMS_REROUTE),
    ]);

    tail = await new KafkaTopicReader(brokers).start(
      [SMS_STATUS.name, ...CARRIERS.flatMap((carrier) => outboundTopicsFor(carrier))],
      { from: 'end' },
    );
    const runtime: ServiceRuntime = { bus, prisma, clock: systemClock };
    app = await startConsumerService({
      name: 'routing',
      shard: SHARD,
      module: RoutingModule.forRoot(runtime, {
        maxAttempts: MAX_ATTEMPTS,
        configPollMs: 200,
        instanceId: `test-${run}`,
      }),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 3, backoffMs: [100] },
    });
    config = app.get(RoutingConfigService);
    health = app.get(CarrierHealthService);
    client = bus.createClient();
    publisher = new EventPublisher(client);
  });

  afterAll(async () => {
    await app?.close();
    await client?.close();
    await tail?.stop();
    await db?.drop();
  });

  /** A tenant of its own for one test, and its routing configuration, applied as admin changes are. */
  async function configure(
    tenant: string,
    change: (tx: Prisma.TransactionClient) => Promise<unknown>,
  ): Promise<void> {
    const loads = config.loads;
    await prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: tenant, name: tenant } });
      await change(tx);
      await bumpConfigRevision(tx);
    });
    // refresh() may join a poll that read the revision before this change: await the reload.
    await config.refresh();
    await waitFor('the routing configuration to reload', () =>
      config.loads > loads ? true : undefined,
    );
  }

  function message(tenantId: string, overrides: Partial<MessageFields> = {}): MessageFields {
    return testMessage({ messageId: `${tenantId}-${randomUUID()}`, tenantId, ...overrides });
  }

  async function accept(...messages: MessageFields[]): Promise<void> {
    await publisher.publishAll(
      SMS_ACCEPTED,
      messages.map((msg) => ({ ...newEnvelope(), message: msg, decision: 'policy test' })),
    );
  }

  const outboundOf = (tenantId: string, count: number, messageId?: string) =>
    tail.waitForValues<SmsOutboundEvent>(
      SMS_OUTBOUND.name,
      count,
      (event) =>
        event.message.tenantId === tenantId &&
        (messageId === undefined || event.message.messageId === messageId),
    );

  const statusesOf = (messageId: string, count: number) =>
    tail.waitForValues<SmsStatusEvent>(
      SMS_STATUS.name,
      count,
      (event) => event.messageId === messageId,
    );

  async function reportHealth(carrierId: string, healthy: boolean): Promise<void> {
    const report: CarrierHealthEvent = {
      ...newEnvelope(),
      carrierId,
      instanceId: `connector-${run}`,
      healthy,
      bindsUp: healthy ? 1 : 0,
      bindsConfigured: 1,
      submitted: 0,
      errors: healthy ? 0 : 12,
      throttled: 0,
      ttlMs: 60_000,
    };
    await publisher.publish(CARRIER_HEALTH, report);
    await waitFor(`${carrierId} ${healthy ? 'healthy' : 'unhealthy'} in the health board`, () =>
      health.stateOf(carrierId) === (healthy ? 'healthy' : 'unhealthy') ? true : undefined,
    );
  }

  it('splits a weighted group 70/30 within 3% (2,000 messages through Kafka)', async () => {
    const tenant = `t-${run}-weighted`;
    await configure(tenant, async (tx) => {
      await tx.serverGroup.create({
        data: {
          id: `${tenant}-g`,
          name: 'uplinks',
          strategy: 'weighted',
          members: {
            create: [
              { carrierId: A, weight: 70 },
              { carrierId: B, weight: 30 },
            ],
          },
        },
      });
      await tx.route.create({
        data: { id: `${tenant}-r`, priority: 10, tenantId: tenant, serverGroupId: `${tenant}-g` },
      });
    });
    // Message ids fixed across runs: the split is a deterministic function of them.
    const messages = Array.from({ length: 2_000 }, (_, i) =>
      message(tenant, { messageId: `weighted-${i}` }),
    );
    await accept(...messages);

    const outbound = await outboundOf(tenant, 2_000);
    const toA = outbound.filter((event) => event.carrierId === A).length;
    const toB = outbound.filter((event) => event.carrierId === B).length;
    expect(toA + toB).toBe(2_000);
    expect(Math.abs(toA / 2_000 - 0.7)).toBeLessThan(0.03);
    expect(new Set(outbound.map((event) => event.message.messageId)).size).toBe(2_000);
  });

  it('picks the cheapest healthy carrier, skips it once carrier.health says it is down, and charges its price', async () => {
    const tenant = `t-${run}-lcr`;
    await configure(tenant, async (tx) => {
      await tx.serverGroup.create({
        data: {
          id: `${tenant}-g`,
          name: 'least cost',
          strategy: 'least_cost',
          members: { create: [{ carrierId: H }, { carrierId: B }, { carrierId: C }] },
        },
      });
      await tx.carrierPrice.createMany({
        data: [
          { id: `${tenant}-h`, carrierId: H, prefix: '382', priceMinor: 1, currency: 'EUR' },
          { id: `${tenant}-b`, carrierId: B, prefix: '38267', priceMinor: 2, currency: 'EUR' },
          { id: `${tenant}-c`, carrierId: C, prefix: '', priceMinor: 3, currency: 'EUR' },
        ],
      });
      await tx.route.create({
        data: { id: `${tenant}-r`, priority: 10, tenantId: tenant, serverGroupId: `${tenant}-g` },
      });
    });

    const first = message(tenant, { parts: 2 });
    await accept(first);
    const [toCheapest] = await outboundOf(tenant, 1, first.messageId);
    expect(toCheapest).toMatchObject({ carrierId: H, cost: { minor: 2, currency: 'EUR' } });

    await reportHealth(H, false);
    const second = message(tenant, { parts: 2 });
    await accept(second);
    const [toNext] = await outboundOf(tenant, 1, second.messageId);
    expect(toNext).toMatchObject({ carrierId: B, attempt: 1, cost: { minor: 4, currency: 'EUR' } });
    const [routed] = await statusesOf(second.messageId, 1);
    expect(routed).toMatchObject({
      status: 'routed',
      carrierId: B,
      routeId: `${tenant}-r`,
      cost: { minor: 4, currency: 'EUR' },
    });
    expect(routed.detail).toContain(`group ${tenant}-g least_cost`);
    expect(routed.detail).toContain(`${H} unhealthy down w1 p1`);
    expect(routed.detail).toContain(`=> ${B}, cost 4 EUR minor units`);

    await reportHealth(H, true);
    const third = message(tenant);
    await accept(third);
    const [backToCheapest] = await outboundOf(tenant, 1, third.messageId);
    expect(backToCheapest.carrierId).toBe(H);
  });

  it('fails a message over on sms.reroute, once per attempt, up to the attempt limit', async () => {
    const tenant = `t-${run}-failover`;
    await configure(tenant, async (tx) => {
      await tx.serverGroup.create({
        data: {
          id: `${tenant}-g`,
          name: 'failover',
          strategy: 'failover',
          members: {
            create: [
              { carrierId: A, position: 1 },
              { carrierId: B, position: 2 },
              { carrierId: C, position: 3 },
            ],
          },
        },
      });
      await tx.route.create({
        data: { id: `${tenant}-r`, priority: 10, tenantId: tenant, serverGroupId: `${tenant}-g` },
      });
    });
    const msg = message(tenant);
    await accept(msg);
    const [first] = await outboundOf(tenant, 1);
    expect(first).toMatchObject({ carrierId: A, attempt: 1, triedCarriers: [] });

    /** What a connector publishes when the carrier of `outbound` lost it. */
    const rerouteOf = (outbound: SmsOutboundEvent, source = 'smpp-connector'): SmsRerouteEvent => ({
      ...newEnvelope(),
      message: outbound.message,
      carrierId: outbound.carrierId,
      routeId: outbound.routeId,
      attempt: outbound.attempt,
      triedCarriers: outbound.triedCarriers ?? [],
      reason: 'connection lost',
      errorCode: 'bind_lost',
      source,
    });

    // The connector and a DLR trigger both ask to reroute attempt 1: one next attempt only.
    await publisher.publishAll(SMS_REROUTE, [rerouteOf(first), rerouteOf(first, 'dlr')]);
    const [, second] = await outboundOf(tenant, 2);
    expect(second).toMatchObject({ carrierId: B, attempt: 2, triedCarriers: [A] });

    await publisher.publish(SMS_REROUTE, rerouteOf(second));
    const [, , third] = await outboundOf(tenant, 3);
    expect(third).toMatchObject({ carrierId: C, attempt: 3, triedCarriers: [A, B] });

    await publisher.publish(SMS_REROUTE, rerouteOf(third));
    const history = await statusesOf(msg.messageId, 4);
    const failed = history.find((event) => event.status === 'failed');
    expect(failed).toMatchObject({ errorCode: 'attempts_exhausted', carrierId: C });
    expect(failed?.detail).toContain(`failed after 3 attempt(s), limit 3, tried ${A}, ${B}, ${C}`);
    expect(history.filter((event) => event.status === 'routed').map((e) => e.carrierId)).toEqual([
      A,
      B,
      C,
    ]);
    expect(history.find((event) => event.carrierId === B)?.detail).toContain(
      `reroute: ${A} failed attempt 1 (smpp-connector bind_lost: connection lost)`,
    );

    // Nothing more reaches a carrier: a message sent at most once per carrier.
    const followUp = message(tenant);
    await accept(followUp); // a marker: once it is routed, everything before it was handled
    await outboundOf(tenant, 1, followUp.messageId);
    const forMessage = tail.values<SmsOutboundEvent>(
      SMS_OUTBOUND.name,
      (event) => event.message.messageId === msg.messageId,
    );
    expect(forMessage.map((event) => event.carrierId)).toEqual([A, B, C]);
  });

  it('routes by short code and keyword, and by content pattern', async () => {
    const tenant = `t-${run}-content`;
    await configure(tenant, async (tx) => {
      await tx.route.createMany({
        data: [
          {
            id: `${tenant}-balance`,
            priority: 1,
            tenantId: tenant,
            shortCode: '1234',
            keyword: 'BAL',
            carrierId: C,
          },
          {
            id: `${tenant}-promo`,
            priority: 2,
            tenantId: tenant,
            contentPattern: '/\\bpromo\\b/i',
            carrierId: B,
          },
          { id: `${tenant}-default`, priority: 3, tenantId: tenant, carrierId: A },
        ],
      });
    });
    const balance = message(tenant, { source: '1234', text: 'bal 100.00 EUR' });
    const promo = message(tenant, { text: 'Big PROMO today' });
    const other = message(tenant, { source: '1234', text: 'balance' });
    await accept(balance, promo, other);

    const outbound = await outboundOf(tenant, 3);
    const carrierOf = (msg: MessageFields) =>
      outbound.find((event) => event.message.messageId === msg.messageId)?.carrierId;
    expect(carrierOf(balance)).toBe(C);
    expect(carrierOf(promo)).toBe(B);
    expect(carrierOf(other)).toBe(A);
    const [promoRouted] = await statusesOf(promo.messageId, 1);
    expect(promoRouted.routeId).toBe(`${tenant}-promo`);
    expect(promoRouted.detail).toMatch(
      /^policy test; rule t-.*-promo#2 -> carrier rt-b \[unknown\]/,
    );
  });

  it('takes a changed rule for the next message without a restart (hot reload)', async () => {
    const tenant = `t-${run}-reload`;
    await configure(tenant, (tx) =>
      tx.route.create({
        data: { id: `${tenant}-r`, priority: 10, tenantId: tenant, carrierId: A },
      }),
    );
    const before = message(tenant);
    await accept(before);
    expect((await outboundOf(tenant, 1, before.messageId))[0].carrierId).toBe(A);

    const loads = config.loads;
    await prisma.$transaction(async (tx) => {
      await tx.route.update({ where: { id: `${tenant}-r` }, data: { carrierId: B } });
      await bumpConfigRevision(tx);
    });
    // The running service notices on its own (it polls the revision), no refresh() from here.
    await waitFor('the routing configuration to reload', () =>
      config.loads > loads ? true : undefined,
    );
    const after = message(tenant);
    await accept(after);
    expect((await outboundOf(tenant, 1, after.messageId))[0].carrierId).toBe(B);
  });

  it('fails a message no rule matches, saying so', async () => {
    const tenant = `t-${run}-nomatch`;
    await configure(tenant, (tx) =>
      tx.route.create({
        data: { id: `${tenant}-r`, priority: 10, tenantId: tenant, country: 'DE', carrierId: A },
      }),
    );
    const msg = message(tenant);
    await accept(msg);
    const [failed] = await statusesOf(msg.messageId, 1);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'no_route', source: 'routing' });
    expect(failed.detail).toBe('policy test; no route matches');
  });
});
