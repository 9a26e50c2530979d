import { Logger } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import {
  ACCOUNTING_RECORDS,
  SMS_STATUS,
  type SmsStatusEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { accountingRecordEventId, accountingRecordEventOf } from '@tuxhat/billing';
import type { Prisma } from '@tuxhat/database';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import {
  type ServiceRuntime,
  bumpConfigRevision,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import {
  TopicRecorder,
  createTestDatabase,
  createTestPglite,
  waitFor,
  type TestDatabase,
} from '@tuxhat/testing';

import { AccountingConfigSnapshot } from './accounting-config';
import { AccountingModule } from './accounting.module';
import type { AccountingOptions } from './accounting.options';

// The accounting service on the in-process bus (the same handlers as on Kafka) against a real
// PostgreSQL: records, pricing, post-billing, corrections, crash recovery, racing consumers.
describe('accounting service', () => {
  let db: TestDatabase;
  let prisma: TestDatabase['database']['prisma'];
  let broker: InProcessBroker;
  let runtime: ServiceRuntime;
  const apps: INestMicroservice[] = [];
  const t0 = Date.parse('2026-11-26T10:00:00.000Z');
  const at = (ms: number) => new Date(t0 + ms);

  const options: AccountingOptions = {
    currency: 'EUR',
    sweepIntervalMs: 100,
    sweepQuietMs: 1_000,
    configPollMs: 100,
  };

  async function start(): Promise<INestMicroservice> {
    const app = await startConsumerService({
      name: 'accounting',
      module: AccountingModule.forRoot(runtime, options),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 10, backoffMs: [20, 50, 100] },
    });
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    db = await createTestDatabase('accounting');
    prisma = db.database.prisma;
    await prisma.tenant.createMany({
      data: ['acme', 'prepaid-co', 'otp-co'].map((id) => ({ id, name: id })),
    });
    await prisma.tariff.createMany({
      data: [
        { id: 'default-me', prefix: '382', priceMinor: 5, currency: 'EUR' },
        {
          id: 'acme-me-mobile-otp',
          tenantId: 'acme',
          prefix: '38267',
          classOfService: 'otp',
          priceMinor: 3,
          currency: 'EUR',
        },
      ],
    });
    await prisma.numberRange.create({ data: { prefix: '38267', network: 'ME-Telenor' } });
    await prisma.tenantPolicy.create({
      data: {
        tenantId: 'prepaid-co',
        version: 1,
        document: { billing: { mode: 'prepaid', chargeOn: 'delivery' } },
        createdBy: 'test',
      },
    });
    await prisma.tenantBalance.create({
      data: { tenantId: 'prepaid-co', currency: 'EUR', availableMinor: 1_000n, reservedMinor: 30n },
    });
    await prisma.billingRule.create({
      data: {
        id: 'otp-retries',
        tenantId: 'otp-co',
        rule: 'free-otp-retry',
        params: { windowMinutes: 5, maxFreeRetries: 1 },
      },
    });
  });

  beforeEach(() => {
    broker = new InProcessBroker();
    runtime = {
      bus: Bus.create({ kind: 'in-process', broker }, new Logger()),
      prisma,
      clock: systemClock,
    };
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function messages(
    ids: readonly string[],
    fields: Partial<Prisma.MessageCreateManyInput> = {},
  ): Promise<void> {
    await prisma.message.createMany({
      data: ids.map((id) => ({
        id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'Acme',
        body: 'Your code is 123456',
        encoding: 'gsm7',
        parts: 2,
        status: 'accepted' as const,
        priority: 'otp',
        createdAt: at(0),
        ...fields,
      })),
    });
  }

  /** An accounting row of one of `messages`' messages, as another writer left it. */
  const storedRecord = (
    messageId: string,
    fields: Partial<Prisma.AccountingRecordCreateManyInput> = {},
  ): Prisma.AccountingRecordCreateManyInput => ({
    messageId,
    tenantId: 'acme',
    classOfService: 'otp',
    source: 'Acme',
    destination: '+38267123456',
    parts: 2,
    encoding: 'gsm7',
    costCurrency: 'EUR',
    priceCurrency: 'EUR',
    acceptedAt: at(0),
    ...fields,
  });

  /** A status event whose id derives from (message, status, n): publishing it again is a replay. */
  const status = (
    messageId: string,
    value: SmsStatusEvent['status'],
    ms: number,
    extra: Partial<SmsStatusEvent> = {},
  ): SmsStatusEvent => ({
    ...derivedEnvelope(`${messageId}/${value}/${ms}`, 'test', at(ms)),
    messageId,
    tenantId: 'acme',
    status: value,
    source: 'test',
    ...extra,
  });

  const publish = (events: readonly SmsStatusEvent[]) =>
    broker.publish(events.map((event) => encodeEvent(SMS_STATUS, event)));

  it('writes one record per message from its steps, priced by its tariff, and publishes it once however often its events are replayed', async () => {
    await messages(['m-final', 'm-open', 'm-marker']);
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    const steps = [
      status('m-final', 'routed', 10, {
        carrierId: 'telco-a',
        routeId: 'me-mobile',
        cost: { minor: 4, currency: 'USD' },
      }),
      status('m-final', 'sent', 200, { carrierId: 'telco-a', routeId: 'me-mobile' }),
      status('m-final', 'delivered', 5_000, { carrierId: 'telco-a' }),
      status('m-open', 'routed', 10, { carrierId: 'telco-a' }),
    ];
    publish(steps);
    publish(steps); // replay of every event
    publish([status('m-final', 'undeliverable', 6_000, { errorCode: '001' })]); // contradicts: ignored
    const [record] = await records.waitFor(1);
    expect(record).toEqual({
      version: 2,
      eventId: accountingRecordEventId('m-final', 1),
      occurredAt: at(5_000).toISOString(),
      messageId: 'm-final',
      revision: 1,
      tenantId: 'acme',
      classOfService: 'otp',
      source: 'Acme',
      destination: '+38267123456',
      country: 'ME',
      network: 'ME-Telenor',
      routeId: 'me-mobile',
      carrierId: 'telco-a',
      parts: 2,
      encoding: 'gsm7',
      finalStatus: 'delivered',
      cost: { minor: 4, currency: 'USD' },
      price: { minor: 6, currency: 'EUR' },
      billing: {
        mode: 'postpaid',
        chargeOn: 'submit',
        charged: true,
        listPriceMinor: 6,
        tariffId: 'acme-me-mobile-otp',
        adjustments: [],
      },
      acceptedAt: at(0).toISOString(),
      routedAt: at(10).toISOString(),
      sentAt: at(200).toISOString(),
      finalAt: at(5_000).toISOString(),
    });

    // A late replay, then a marker: the in-process queue is ordered, so once the marker's record
    // is out the replay has been handled.
    publish([...steps, status('m-marker', 'expired', 9_000)]);
    await records.waitFor(1, (event) => event.messageId === 'm-marker');
    expect(records.events.filter((event) => event.messageId === 'm-final')).toHaveLength(1);

    const row = await prisma.accountingRecord.findUniqueOrThrow({
      where: { messageId: 'm-final' },
    });
    expect(accountingRecordEventOf(row)).toEqual(record); // the database says what the topic says
    expect(row).toMatchObject({
      publishedRevision: 1,
      publishPending: false,
      publishClaimedAt: null,
    });
    // Written once, final (insert), then marked published: no write per step before.
    expect(row.rowVersion).toBe(1);
    // A message still travelling has no record yet: its steps wait in memory for its end.
    expect(await prisma.accountingRecord.findUnique({ where: { messageId: 'm-open' } })).toBeNull();
    expect(records.events.some((event) => event.messageId === 'm-open')).toBe(false);
  });

  it('builds a record from the status history when it did not see the steps itself (a restart, another replica)', async () => {
    // The message and its history as the projector wrote them while another accounting process
    // handled the steps.
    await messages(['h-restart'], { carrierId: 'telco-b', routeId: 'me-backup', status: 'sent' });
    await messages(['h-none']);
    await prisma.messageStatusEvent.createMany({
      data: [
        { status: 'accepted' as const, ms: 1 },
        { status: 'routed' as const, ms: 10, costMinor: 4, costCurrency: 'USD' },
        { status: 'routed' as const, ms: 30, costMinor: 7, costCurrency: 'USD' }, // a failover
        { status: 'sent' as const, ms: 200 },
      ].map(({ status, ms, ...cost }) => ({
        eventId: `h-restart/${status}/${ms}`,
        messageId: 'h-restart',
        status,
        source: 'test',
        occurredAt: at(ms),
        ...cost,
      })),
    });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    publish([
      status('h-restart', 'delivered', 5_000),
      status('h-none', 'rejected', 20, { errorCode: 'POLICY' }),
    ]);
    const got = await records.waitFor(2);
    expect(got.find((event) => event.messageId === 'h-restart')).toMatchObject({
      carrierId: 'telco-b',
      routeId: 'me-backup',
      cost: { minor: 7, currency: 'USD' },
      routedAt: at(30).toISOString(),
      sentAt: at(200).toISOString(),
      finalAt: at(5_000).toISOString(),
      finalStatus: 'delivered',
    });
    // No history: no steps, and a message no carrier took costs nothing.
    expect(got.find((event) => event.messageId === 'h-none')).toMatchObject({
      cost: { minor: 0, currency: 'EUR' },
      finalStatus: 'rejected',
    });
    expect(got.find((event) => event.messageId === 'h-none')).not.toHaveProperty('routedAt');
  });

  it('charges a prepaid tenant on delivery: settles what was delivered, releases the rest, moves the balance once', async () => {
    const tenant = { tenantId: 'prepaid-co' };
    await messages(['p-delivered', 'p-failed', 'p-rejected'], {
      ...tenant,
      parts: 1,
      priority: 'bulk',
    });
    await prisma.balanceReservation.createMany({
      data: ['p-delivered', 'p-failed', 'p-rejected'].map((messageId) => ({
        messageId,
        tenantId: 'prepaid-co',
        amountMinor: 10n,
        currency: 'EUR',
      })),
    });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    const events = [
      status('p-delivered', 'delivered', 1_000, tenant),
      status('p-failed', 'undeliverable', 1_000, { ...tenant, errorCode: '011' }),
      status('p-rejected', 'rejected', 5, tenant),
    ];
    publish(events);
    publish(events);
    const published = await records.waitFor(3);
    const byId = new Map(published.map((event) => [event.messageId, event]));
    expect(byId.get('p-delivered')).toMatchObject({
      price: { minor: 5, currency: 'EUR' },
      billing: { mode: 'prepaid', chargeOn: 'delivery', charged: true, listPriceMinor: 5 },
    });
    expect(byId.get('p-failed')).toMatchObject({
      price: { minor: 0 },
      errorCode: '011',
      billing: {
        charged: false,
        listPriceMinor: 5,
        adjustments: [{ rule: 'charge-on-delivery', amountMinor: 0 }],
      },
    });
    expect(byId.get('p-rejected')).toMatchObject({
      price: { minor: 0 },
      billing: { charged: false, adjustments: [{ rule: 'rejected-not-charged' }] },
    });

    // Replays again, then a marker: the in-process queue is ordered, so once the marker's record
    // is out the replays have been handled.
    await messages(['p-marker'], { ...tenant, parts: 1 });
    publish([...events, status('p-marker', 'rejected', 5, tenant)]);
    await records.waitFor(1, (event) => event.messageId === 'p-marker');
    expect(records.events).toHaveLength(4);
    const reservations = await prisma.balanceReservation.findMany({
      where: tenant,
      orderBy: { messageId: 'asc' },
    });
    expect(reservations.map((r) => [r.messageId, r.state])).toEqual([
      ['p-delivered', 'settled'],
      ['p-failed', 'released'],
      ['p-rejected', 'released'],
    ]);
    // reserved 30 -> 0; 10 - 5 back from the delivered one, 10 + 10 from the others
    expect(await prisma.tenantBalance.findUniqueOrThrow({ where: tenant })).toMatchObject({
      reservedMinor: 0n,
      availableMinor: 1_025n,
    });
  });

  it('makes a second OTP to the same number within the window free (billing_rules: free-otp-retry)', async () => {
    const tenant = { tenantId: 'otp-co', parts: 1 };
    await messages(['o-first'], { ...tenant, createdAt: at(0) });
    await messages(['o-retry'], { ...tenant, createdAt: at(120_000) });
    await messages(['o-later'], { ...tenant, createdAt: at(3_600_000) });
    await messages(['o-bulk'], { ...tenant, createdAt: at(130_000), priority: 'bulk' });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    // The retry finishes first: acceptance order still decides which one is free.
    publish([
      status('o-retry', 'delivered', 125_000, { tenantId: 'otp-co' }),
      status('o-first', 'delivered', 200_000, { tenantId: 'otp-co' }),
      status('o-later', 'delivered', 3_605_000, { tenantId: 'otp-co' }),
      status('o-bulk', 'delivered', 135_000, { tenantId: 'otp-co' }),
    ]);
    const published = await records.waitFor(4);
    const price = Object.fromEntries(
      published.map((event) => [event.messageId, event.price.minor]),
    );
    expect(price).toEqual({ 'o-first': 5, 'o-retry': 0, 'o-later': 5, 'o-bulk': 5 });
    expect(published.find((event) => event.messageId === 'o-retry')?.billing.adjustments).toEqual([
      { rule: 'free-otp-retry', note: 'OTP retry 1 of 1 free within 5 min', amountMinor: 0 },
    ]);
  });

  it('prices with the tariffs in force: an admin change applies to the next records without a restart', async () => {
    await prisma.tenant.create({ data: { id: 'hot-co', name: 'hot-co' } });
    const tenant = { tenantId: 'hot-co', parts: 1, priority: 'bulk' };
    await messages(['h-before', 'h-after'], tenant);
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    const app = await start();

    publish([status('h-before', 'delivered', 1_000, { tenantId: 'hot-co' })]);
    const [before] = await records.waitFor(1);
    expect(before).toMatchObject({ price: { minor: 5 }, billing: { tariffId: 'default-me' } });

    // What the admin API does: the change and a config revision bump in one transaction.
    await prisma.$transaction(async (tx) => {
      await tx.tariff.create({
        data: { id: 'hot-co-all', tenantId: 'hot-co', priceMinor: 9, currency: 'CHF' },
      });
      await bumpConfigRevision(tx);
    });
    await app.get(AccountingConfigSnapshot).refresh(); // instead of waiting for the poll
    publish([status('h-after', 'delivered', 1_000, { tenantId: 'hot-co' })]);
    const [, after] = await records.waitFor(2);
    expect(after).toMatchObject({
      messageId: 'h-after',
      price: { minor: 9, currency: 'CHF' },
      billing: { tariffId: 'hot-co-all' },
    });
  });

  it('corrects an expired record when the receipt comes after all: revision 2, same key, charged now', async () => {
    const tenant = { tenantId: 'prepaid-co' };
    await messages(['c-late'], { ...tenant, parts: 1 });
    await prisma.balanceReservation.create({
      data: { messageId: 'c-late', tenantId: 'prepaid-co', amountMinor: 5n, currency: 'EUR' },
    });
    await prisma.tenantBalance.update({
      where: tenant,
      data: { reservedMinor: { increment: 5n } },
    });
    const before = await prisma.tenantBalance.findUniqueOrThrow({ where: tenant });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    publish([status('c-late', 'expired', 60_000, tenant)]);
    const [first] = await records.waitFor(1);
    expect(first).toMatchObject({
      revision: 1,
      finalStatus: 'expired',
      billing: { charged: false },
    });
    await waitFor('the first revision to be marked published', async () => {
      const row = await prisma.accountingRecord.findUnique({ where: { messageId: 'c-late' } });
      return row?.publishedRevision === 1 ? row : undefined;
    });

    publish([
      status('c-late', 'delivered', 61_000, tenant),
      status('c-late', 'expired', 60_000, tenant),
    ]);
    const [, second] = await records.waitFor(2);
    expect(second).toMatchObject({
      messageId: 'c-late',
      revision: 2,
      eventId: accountingRecordEventId('c-late', 2),
      finalStatus: 'delivered',
      finalAt: at(61_000).toISOString(),
      price: { minor: 5 },
      billing: { charged: true, listPriceMinor: 5 },
    });
    expect(records.records.map((record) => record.key)).toEqual(['prepaid-co', 'prepaid-co']);
    // released at revision 1 (5 back), settled at revision 2 (5 charged): net 5 charged
    expect(await prisma.tenantBalance.findUniqueOrThrow({ where: tenant })).toMatchObject({
      reservedMinor: before.reservedMinor - 5n,
      availableMinor: before.availableMinor,
    });
    expect(
      await prisma.balanceReservation.findUniqueOrThrow({ where: { messageId: 'c-late' } }),
    ).toMatchObject({ state: 'settled' });

    // Expired and corrected within one batch: one record, revision 1, priced afresh.
    await messages(['c-same'], { ...tenant, parts: 1 });
    publish([
      status('c-same', 'expired', 60_000, tenant),
      status('c-same', 'delivered', 61_000, tenant),
    ]);
    const [, , same] = await records.waitFor(3);
    expect(same).toMatchObject({
      messageId: 'c-same',
      revision: 1,
      finalStatus: 'delivered',
      price: { minor: 5 },
      billing: { charged: true, listPriceMinor: 5, tariffId: 'default-me' },
    });
  });

  it('publishes at boot what a crash left: unpublished records and stale claims, not live ones', async () => {
    await messages(['r-pending', 'r-stale', 'r-live']);
    const row = (messageId: string, publishClaimedAt: Date | null) =>
      storedRecord(messageId, {
        finalStatus: 'undeliverable',
        finalAt: at(5_000),
        updatedAt: new Date(Date.now() - 60_000),
        revision: 1,
        publishPending: true,
        publishClaimedAt,
      });
    await prisma.accountingRecord.createMany({
      data: [
        row('r-pending', null),
        row('r-stale', new Date(Date.now() - 3_600_000)), // its publisher died an hour ago
        row('r-live', new Date()), // a live publisher holds it right now
      ],
    });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    const recovered = await records.waitFor(2);
    expect(recovered.map((event) => event.messageId).sort()).toEqual(['r-pending', 'r-stale']);
    expect(recovered.every((event) => event.finalStatus === 'undeliverable')).toBe(true);
    const live = await prisma.accountingRecord.findUniqueOrThrow({
      where: { messageId: 'r-live' },
    });
    expect(live).toMatchObject({ publishPending: true, publishedRevision: 0 });

    // Published again (a crash after Kafka's ack, before the mark): the same event id.
    for (const app of apps.splice(0)) await app.close();
    await prisma.accountingRecord.update({
      where: { messageId: 'r-pending' },
      data: {
        publishPending: true,
        publishedRevision: 0,
        updatedAt: new Date(Date.now() - 60_000),
      },
    });
    const again = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();
    const [republished] = await again.waitFor(1, (event) => event.messageId === 'r-pending');
    expect(republished.eventId).toBe(
      recovered.find((event) => event.messageId === 'r-pending')!.eventId,
    );
    expect(again.events.some((event) => event.messageId === 'r-live')).toBe(false);
  });

  it('reads a record again when another writer wrote it since this consumer last read it', async () => {
    await messages(['stale-1', 'stale-marker']);
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();
    // The steps, then a marker: the in-process queue is ordered, so once the marker's record is
    // out this consumer holds the steps (in memory: a record is written once final).
    publish([
      status('stale-1', 'routed', 10, {
        carrierId: 'telco-a',
        routeId: 'me-mobile',
        cost: { minor: 4, currency: 'EUR' },
      }),
      status('stale-marker', 'expired', 20),
    ]);
    await records.waitFor(1, (event) => event.messageId === 'stale-marker');
    // Another writer's row (e.g. another consumer during a rebalance, or an open record an
    // earlier version wrote), which this one's memory does not know.
    await prisma.accountingRecord.create({
      data: storedRecord('stale-1', {
        routeId: 'me-backup',
        carrierId: 'telco-a',
        costMinor: 4,
        routedAt: at(10),
      }),
    });
    publish([status('stale-1', 'delivered', 1_000)]);
    const [record] = await records.waitFor(1, (event) => event.messageId === 'stale-1');
    expect(record).toMatchObject({ messageId: 'stale-1', routeId: 'me-backup', revision: 1 });
    // Marked published just after the topic has it.
    const row = await waitFor('the record marked published', async () => {
      const stored = await prisma.accountingRecord.findUniqueOrThrow({
        where: { messageId: 'stale-1' },
      });
      return stored.publishPending ? undefined : stored;
    });
    expect(row).toMatchObject({ routeId: 'me-backup', finalStatus: 'delivered', revision: 1 });
    expect(records.events.filter((event) => event.messageId === 'stale-1')).toHaveLength(1);
  });

  it('publishes each record once when two consumers handle the same events at the same time', async () => {
    const ids = Array.from({ length: 300 }, (_, index) => `race-${index}`);
    await messages(ids);
    // Counted as they come (TopicRecorder re-parses every record on each arrival: too slow here).
    const perMessage = new Map<string, number>();
    broker.subscribe(ACCOUNTING_RECORDS.name, {
      enqueue: (record) => {
        const { messageId } = JSON.parse(record.value!.toString()) as { messageId: string };
        perMessage.set(messageId, (perMessage.get(messageId) ?? 0) + 1);
      },
    });
    // Two instances of the service on one in-process broker: each gets every event, as two
    // consumers do while a partition moves between them.
    await start();
    await start();

    publish(
      ids.flatMap((id, index) => [
        status(id, 'routed', 10, { carrierId: 'telco-a', cost: { minor: 1, currency: 'EUR' } }),
        status(id, index % 3 === 0 ? 'undeliverable' : 'delivered', 1_000),
      ]),
    );
    await waitFor('every record to be published and marked', async () => {
      const left = await prisma.accountingRecord.count({
        where: { messageId: { in: ids }, OR: [{ publishPending: true }, { publishedRevision: 0 }] },
      });
      return left === 0 && perMessage.size === ids.length ? true : undefined;
    });
    // Nothing signals that a duplicate will not come: give both sweepers (every 100 ms) time
    // to run several more times, then count.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(perMessage.size).toBe(ids.length);
    expect([...perMessage.values()].every((count) => count === 1)).toBe(true);
  });

  it('runs on embedded PGlite too (all-in-one mode): records, prices, settlement', async () => {
    const embedded = await createTestPglite('accounting-pglite');
    try {
      const local = embedded.database.prisma;
      await local.tenant.create({ data: { id: 'acme', name: 'Acme' } });
      await local.tariff.create({
        data: { id: 'all', priceMinor: 4, currency: 'EUR' },
      });
      await local.tenantPolicy.create({
        data: {
          tenantId: 'acme',
          version: 1,
          document: { billing: { mode: 'prepaid', chargeOn: 'delivery' } },
          createdBy: 'test',
        },
      });
      await local.tenantBalance.create({
        data: { tenantId: 'acme', currency: 'EUR', availableMinor: 100n, reservedMinor: 8n },
      });
      await local.message.create({
        data: {
          id: 'e-1',
          tenantId: 'acme',
          destination: '+38267123456',
          source: 'Acme',
          body: 'x',
          encoding: 'gsm7',
          parts: 2,
          status: 'accepted',
          createdAt: at(0),
        },
      });
      await local.balanceReservation.create({
        data: { messageId: 'e-1', tenantId: 'acme', amountMinor: 8n, currency: 'EUR' },
      });
      runtime = { ...runtime, prisma: local };
      const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
      await start();
      const events = [
        status('e-1', 'routed', 10, { carrierId: 'sim', cost: { minor: 3, currency: 'EUR' } }),
        status('e-1', 'delivered', 900, { carrierId: 'sim' }),
      ];
      publish(events);
      publish(events);
      const [record] = await records.waitFor(1);
      expect(record).toMatchObject({
        messageId: 'e-1',
        cost: { minor: 3 },
        price: { minor: 8 },
        billing: { mode: 'prepaid', charged: true },
      });
      await waitFor('the record to be marked published', async () => {
        const row = await local.accountingRecord.findUnique({ where: { messageId: 'e-1' } });
        return row?.publishedRevision === 1 ? row : undefined;
      });
      expect(
        await local.tenantBalance.findUniqueOrThrow({ where: { tenantId: 'acme' } }),
      ).toMatchObject({ reservedMinor: 0n, availableMinor: 100n });
    } finally {
      for (const app of apps.splice(0)) await app.close();
      await embedded.drop();
    }
  });
});
