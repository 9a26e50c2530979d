import type { RuntimeDataModel } from '@prisma/client/runtime/client';
import { join } from 'node:path';
import { Prisma, type PrismaClient } from './prisma-client';
import { createDatabase, type Database, type DatabaseOptions } from './create-database';
import { tempDir, testSchema, type TestSchema } from './test/test-databases';
import { $Enums, CarrierKind, MessageStatus, TenantStatus } from './index';

// PGlite creates a data directory in seconds (initdb in WASM). jest.config.js' per-project
// testTimeout is not applied (jest reads testTimeout from the global config only).
jest.setTimeout(60_000);

// Every model of prisma/schema.prisma written and read back through the generated client on a
// database built only from prisma/migrations: proof that the schema and the migrations agree.

interface Backend {
  readonly name: 'postgres' | 'pglite';
  open(): Promise<{ options: DatabaseOptions; dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'postgres',
    async open() {
      const schema: TestSchema = testSchema('roundtrip');
      return { options: { url: schema.url, poolSize: 4 }, dispose: () => schema.drop() };
    },
  },
  {
    name: 'pglite',
    async open() {
      const dir = await tempDir('pglite');
      return { options: { pgliteDataDir: join(dir.path, 'data') }, dispose: () => dir.remove() };
    },
  },
];

const at = (iso: string) => new Date(iso);

/** One row per model with every scalar field set (optional ones to a value, not null). */
function fixtures() {
  const tenant = {
    id: 'tenant-acme',
    name: 'ACME Bank',
    status: TenantStatus.suspended,
    createdAt: at('2026-01-02T03:04:05.678Z'),
    updatedAt: at('2026-01-02T03:04:05.679Z'),
  };
  const apiKey = {
    id: 'key-1',
    tenantId: tenant.id,
    prefix: 'thk_ab12cd34',
    secretHash: 'a'.repeat(64),
    name: 'production',
    scopes: ['sms:send', 'sms:read'],
    createdAt: at('2026-01-02T03:04:05.001Z'),
    revokedAt: at('2026-02-01T00:00:00.002Z'),
    lastUsedAt: at('2026-01-31T23:59:59.999Z'),
  };
  const carrier = {
    id: 'smsc-local',
    name: 'Local SMSC',
    kind: CarrierKind.smpp,
    config: {
      host: '10.0.0.1',
      port: 2775,
      systemId: 'tuxhat',
      passwordEnv: 'SMSC_LOCAL_PASSWORD',
      tls: false,
      windows: [1, 2],
      nested: { a: null },
    },
    enabled: false,
    createdAt: at('2026-01-01T00:00:00.000Z'),
    updatedAt: at('2026-01-01T00:00:00.001Z'),
  };
  const route = {
    id: 'route-1',
    priority: 10,
    tenantId: tenant.id,
    destinationPrefix: '4915',
    carrierId: carrier.id,
    createdAt: at('2026-01-03T00:00:00.000Z'),
  };
  const message = {
    id: 'msg-01J0000000000000000000000',
    tenantId: tenant.id,
    destination: '+491511234567',
    source: 'ACME',
    body: 'Your code is 123456 — Grüße 🙂',
    encoding: 'ucs2',
    parts: 2,
    status: MessageStatus.delivered,
    statusDetail: 'DELIVRD',
    carrierId: carrier.id,
    routeId: route.id,
    clientReference: 'order-42',
    priority: 'otp',
    validUntil: at('2026-01-05T10:00:00.123Z'),
    scheduledAt: at('2026-01-04T09:59:00.000Z'),
    callbackUrl: 'https://hooks.example.org/dlr?x=1',
    metadata: { campaign: 'spring', nested: { ok: true } },
    createdAt: at('2026-01-04T10:00:00.123Z'),
    updatedAt: at('2026-01-04T10:00:01.456Z'),
  };
  const messageStatusEvent = {
    id: 9_007_199_254_740_993n, // beyond Number.MAX_SAFE_INTEGER: BIGINT, not a float
    eventId: 'evt-1',
    messageId: message.id,
    status: MessageStatus.sent,
    detail: 'submit_sm_resp ok',
    source: 'connector-smpp',
    occurredAt: at('2026-01-04T10:00:00.500Z'),
  };
  const carrierMessageId = {
    carrierId: carrier.id,
    carrierMessageId: '0a1b2c3d',
    messageId: message.id,
    partIndex: 1,
    createdAt: at('2026-01-04T10:00:00.501Z'),
  };
  const accountingRecord = {
    messageId: message.id,
    tenantId: tenant.id,
    carrierId: carrier.id,
    routeId: route.id,
    parts: 2,
    encoding: 'ucs2',
    finalStatus: MessageStatus.delivered,
    costMinor: 7,
    priceMinor: 12,
    currency: 'EUR',
    submittedAt: at('2026-01-04T10:00:00.123Z'),
    finalAt: at('2026-01-04T10:00:05.000Z'),
    recordedAt: at('2026-01-04T10:00:06.000Z'),
    version: 3,
    publishedAt: at('2026-01-04T10:00:06.500Z'),
  };
  const auditLog = {
    id: 1n,
    actor: 'admin@example.org',
    action: 'update',
    entity: 'carrier',
    entityId: carrier.id,
    before: { enabled: true },
    after: { enabled: false, list: [1, 'two', null] },
    at: at('2026-01-05T00:00:00.000Z'),
  };
  const deadLetter = {
    id: 1n,
    eventId: 'c1d2e3f4-0000-4000-8000-000000000001',
    originalTopic: 'sms.dlr.raw.v1',
    originalKey: 'telco-a:0a1b2c3d',
    consumerGroup: 'dlr',
    reason: 'NotYetError: no message for carrier telco-a id 0a1b2c3d',
    attempts: 6,
    payload: '{"not":"parsed"}',
    failedAt: at('2026-01-06T00:00:00.000Z'),
  };
  const configRevision = {
    id: 1,
    revision: 9_007_199_254_740_993n,
    changedAt: at('2026-01-07T00:00:00.000Z'),
  };
  return {
    configRevision,
    tenant,
    apiKey,
    carrier,
    route,
    message,
    messageStatusEvent,
    carrierMessageId,
    accountingRecord,
    auditLog,
    deadLetter,
  };
}

describe.each(backends)('database on $name', (backend) => {
  let sut: Database;
  let prisma: PrismaClient;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await backend.open();
    dispose = opened.dispose;
    sut = await createDatabase({ ...opened.options, migrateOnBoot: true });
    prisma = sut.prisma;
  });

  afterAll(async () => {
    await sut?.close();
    await dispose?.();
  });

  beforeEach(async () => {
    // Children first (restrictive foreign keys).
    await prisma.auditLog.deleteMany();
    await prisma.deadLetter.deleteMany();
    await prisma.accountingRecord.deleteMany();
    await prisma.message.deleteMany();
    await prisma.route.deleteMany();
    await prisma.carrier.deleteMany();
    await prisma.tenant.deleteMany();
  });

  it(`reports its kind and what migrateOnBoot applied`, () => {
    expect(sut.kind).toBe(backend.name);
    expect(sut.migrations?.applied.length).toBeGreaterThan(0);
  });

  it('fixtures cover every model and every scalar field', () => {
    const f = fixtures();
    const byModel: Record<Prisma.ModelName, object> = {
      Tenant: f.tenant,
      ApiKey: f.apiKey,
      Carrier: f.carrier,
      Route: f.route,
      Message: f.message,
      MessageStatusEvent: f.messageStatusEvent,
      CarrierMessageId: f.carrierMessageId,
      AccountingRecord: f.accountingRecord,
      AuditLog: f.auditLog,
      DeadLetter: f.deadLetter,
      ConfigRevision: f.configRevision,
    };
    const scalarFields: Record<Prisma.ModelName, object> = {
      Tenant: Prisma.TenantScalarFieldEnum,
      ApiKey: Prisma.ApiKeyScalarFieldEnum,
      Carrier: Prisma.CarrierScalarFieldEnum,
      Route: Prisma.RouteScalarFieldEnum,
      Message: Prisma.MessageScalarFieldEnum,
      MessageStatusEvent: Prisma.MessageStatusEventScalarFieldEnum,
      CarrierMessageId: Prisma.CarrierMessageIdScalarFieldEnum,
      AccountingRecord: Prisma.AccountingRecordScalarFieldEnum,
      AuditLog: Prisma.AuditLogScalarFieldEnum,
      DeadLetter: Prisma.DeadLetterScalarFieldEnum,
      ConfigRevision: Prisma.ConfigRevisionScalarFieldEnum,
    };
    expect(Object.keys(byModel).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    for (const model of Object.values(Prisma.ModelName)) {
      expect([model, Object.keys(byModel[model]).sort()]).toEqual([
        model,
        Object.values(scalarFields[model]).sort(),
      ]);
    }
  });

  it('round-trips every model with every field set', async () => {
    const f = fixtures();

    await prisma.tenant.create({ data: f.tenant });
    await prisma.apiKey.create({ data: f.apiKey });
    await prisma.carrier.create({ data: f.carrier });
    await prisma.route.create({ data: f.route });
    await prisma.message.create({ data: f.message });
    await prisma.messageStatusEvent.create({ data: f.messageStatusEvent });
    await prisma.carrierMessageId.create({ data: f.carrierMessageId });
    await prisma.accountingRecord.create({ data: f.accountingRecord });
    await prisma.auditLog.create({ data: f.auditLog });
    await prisma.deadLetter.create({ data: f.deadLetter });
    // The migration seeds the single row; a change bumps it.
    await prisma.configRevision.update({ where: { id: 1 }, data: f.configRevision });

    // updatedAt is @updatedAt: Prisma overwrites the given value on create. Everything else is exact.
    expect(
      withoutUpdatedAt(await prisma.tenant.findUniqueOrThrow({ where: { id: f.tenant.id } })),
    ).toEqual(withoutUpdatedAt(f.tenant));
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { prefix: f.apiKey.prefix } })).toEqual(
      f.apiKey,
    );
    expect(
      withoutUpdatedAt(await prisma.carrier.findUniqueOrThrow({ where: { id: f.carrier.id } })),
    ).toEqual(withoutUpdatedAt(f.carrier));
    expect(await prisma.route.findUniqueOrThrow({ where: { id: f.route.id } })).toEqual(f.route);
    expect(
      withoutUpdatedAt(await prisma.message.findUniqueOrThrow({ where: { id: f.message.id } })),
    ).toEqual(withoutUpdatedAt(f.message));
    expect(
      await prisma.messageStatusEvent.findUniqueOrThrow({
        where: { eventId: f.messageStatusEvent.eventId },
      }),
    ).toEqual(f.messageStatusEvent);
    expect(
      await prisma.carrierMessageId.findUniqueOrThrow({
        where: {
          carrierId_carrierMessageId: { carrierId: f.carrier.id, carrierMessageId: '0a1b2c3d' },
        },
      }),
    ).toEqual(f.carrierMessageId);
    expect(
      await prisma.accountingRecord.findUniqueOrThrow({ where: { messageId: f.message.id } }),
    ).toEqual(f.accountingRecord);
    expect(await prisma.auditLog.findUniqueOrThrow({ where: { id: 1n } })).toEqual(f.auditLog);
    expect(
      await prisma.deadLetter.findUniqueOrThrow({ where: { eventId: f.deadLetter.eventId } }),
    ).toEqual(f.deadLetter);
    expect(await prisma.configRevision.findUniqueOrThrow({ where: { id: 1 } })).toEqual(
      f.configRevision,
    );
  });

  it('round-trips the optional fields as null and fills every default', async () => {
    const f = fixtures();
    const before = Date.now() - 5_000;

    const tenant = await prisma.tenant.create({ data: { id: 't-min', name: 'Minimal' } });
    const apiKey = await prisma.apiKey.create({
      data: {
        id: 'k-min',
        tenantId: tenant.id,
        prefix: 'thk_00000000',
        secretHash: 'b'.repeat(64),
        name: 'min',
      },
    });
    const carrier = await prisma.carrier.create({
      data: { id: 'sns', name: 'AWS SNS', kind: CarrierKind.sns, config: {} },
    });
    const route = await prisma.route.create({
      data: { id: 'r-min', priority: 100, carrierId: carrier.id },
    });
    const message = await prisma.message.create({
      data: {
        id: 'm-min',
        tenantId: tenant.id,
        destination: '+15551234567',
        source: '1234',
        body: 'hi',
        encoding: 'gsm7',
        parts: 1,
        status: MessageStatus.accepted,
      },
    });
    const events = await prisma.messageStatusEvent.createManyAndReturn({
      data: [
        {
          eventId: 'e-1',
          messageId: message.id,
          status: MessageStatus.accepted,
          source: 'ingress',
          occurredAt: new Date(),
        },
        {
          eventId: 'e-2',
          messageId: message.id,
          status: MessageStatus.routed,
          source: 'routing',
          occurredAt: new Date(),
        },
      ],
    });
    const cmid = await prisma.carrierMessageId.create({
      data: {
        carrierId: carrier.id,
        carrierMessageId: 'sns-1',
        messageId: message.id,
        partIndex: 0,
      },
    });
    const record = await prisma.accountingRecord.create({
      data: {
        ...f.accountingRecord,
        messageId: message.id,
        tenantId: tenant.id,
        carrierId: null,
        routeId: null,
        recordedAt: undefined,
        version: undefined,
        publishedAt: undefined,
      },
    });
    const audit = await prisma.auditLog.create({
      data: { actor: 'system', action: 'create', entity: 'tenant', entityId: tenant.id },
    });

    expect(tenant).toMatchObject({ status: TenantStatus.active });
    expect(apiKey).toMatchObject({ scopes: [], revokedAt: null, lastUsedAt: null });
    expect(carrier).toMatchObject({ enabled: true, config: {} });
    expect(route).toMatchObject({ tenantId: null, destinationPrefix: null });
    expect(message).toMatchObject({
      statusDetail: null,
      carrierId: null,
      routeId: null,
      clientReference: null,
    });
    expect(events.map((e) => e.detail)).toEqual([null, null]);
    const [first, second] = events.map((e) => e.id);
    expect(typeof first).toBe('bigint');
    expect(second).toBe(first + 1n);
    expect(record).toMatchObject({ carrierId: null, routeId: null, version: 1, publishedAt: null });
    expect(audit).toMatchObject({ before: null, after: null });
    expect(typeof audit.id).toBe('bigint');
    for (const time of [
      tenant.createdAt,
      tenant.updatedAt,
      apiKey.createdAt,
      carrier.createdAt,
      route.createdAt,
      message.createdAt,
      cmid.createdAt,
      record.recordedAt,
      audit.at,
    ]) {
      expect(time.getTime()).toBeGreaterThan(before);
    }
    // JSON null vs database NULL.
    const withJsonNull = await prisma.auditLog.create({
      data: {
        actor: 'a',
        action: 'b',
        entity: 'c',
        entityId: 'd',
        before: Prisma.JsonNull,
        after: Prisma.DbNull,
      },
    });
    expect(
      await prisma.auditLog.count({
        where: {
          id: withJsonNull.id,
          before: { equals: Prisma.JsonNull },
          after: { equals: Prisma.DbNull },
        },
      }),
    ).toBe(1);
  });

  it('reads relations both ways', async () => {
    const f = fixtures();
    await seed(prisma, f);

    const message = await prisma.message.findUniqueOrThrow({
      where: { id: f.message.id },
      include: {
        tenant: true,
        statusEvents: { orderBy: { occurredAt: 'asc' } },
        carrierMessageIds: true,
        accountingRecord: true,
      },
    });
    const tenant = await prisma.tenant.findUniqueOrThrow({
      where: { id: f.tenant.id },
      include: { apiKeys: true, routes: { include: { carrier: true } }, messages: true },
    });

    expect(message.tenant.id).toBe(f.tenant.id);
    expect(message.statusEvents.map((e) => e.eventId)).toEqual(['evt-1']);
    expect(message.carrierMessageIds).toHaveLength(1);
    expect(message.accountingRecord?.priceMinor).toBe(12);
    expect(tenant.apiKeys.map((k) => k.prefix)).toEqual([f.apiKey.prefix]);
    expect(tenant.routes[0]?.carrier.kind).toBe(CarrierKind.smpp);
    expect(tenant.messages.map((m) => m.id)).toEqual([f.message.id]);
  });

  it('ignores a replayed status event (eventId is unique)', async () => {
    const f = fixtures();
    await seed(prisma, f);
    const replay = { ...f.messageStatusEvent, id: undefined, detail: 'replayed' };

    const inserted = await prisma.messageStatusEvent.createMany({
      data: [replay, { ...replay, eventId: 'evt-2' }],
      skipDuplicates: true,
    });
    const duplicate = prisma.messageStatusEvent.create({ data: replay });

    expect(inserted.count).toBe(1);
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });
    expect(await prisma.messageStatusEvent.count({ where: { messageId: f.message.id } })).toBe(2);
  });

  it('bumps updatedAt on update', async () => {
    const f = fixtures();
    await seed(prisma, f);
    const old = at('2020-01-01T00:00:00.000Z');
    await prisma.$executeRaw`UPDATE messages SET updated_at = ${old} WHERE id = ${f.message.id}`;

    const after = await prisma.message.update({
      where: { id: f.message.id },
      data: { status: MessageStatus.expired },
    });

    expect(after.updatedAt.getTime()).toBeGreaterThan(old.getTime());
  });

  it('enforces the foreign keys and their delete rules', async () => {
    const f = fixtures();
    await seed(prisma, f);

    // Restrict: a carrier with routes, a message with an accounting record. PGlite 0.5 is
    // PostgreSQL 18, which reports a RESTRICT violation as SQLSTATE 23001 (15 says 23503);
    // pglite-prisma-adapter 0.7.2 does not map 23001, so Prisma calls it P2039, not P2003.
    const restricted = backend.name === 'pglite' ? 'P2039' : 'P2003';
    await expect(prisma.carrier.delete({ where: { id: f.carrier.id } })).rejects.toMatchObject({
      code: restricted,
    });
    await expect(prisma.message.delete({ where: { id: f.message.id } })).rejects.toMatchObject({
      code: restricted,
    });
    await expect(
      prisma.message.create({ data: { ...f.message, id: 'orphan', tenantId: 'nobody' } }),
    ).rejects.toMatchObject({ code: 'P2003' });

    // Cascade: a message's history and carrier ids go with it.
    await prisma.accountingRecord.delete({ where: { messageId: f.message.id } });
    await prisma.message.delete({ where: { id: f.message.id } });
    expect(await prisma.messageStatusEvent.count()).toBe(0);
    expect(await prisma.carrierMessageId.count()).toBe(0);

    // Cascade: a tenant's keys and routes go with it (its routes never become global).
    await prisma.tenant.delete({ where: { id: f.tenant.id } });
    expect(await prisma.apiKey.count()).toBe(0);
    expect(await prisma.route.count()).toBe(0);
  });

  it('runs interactive transactions and rolls them back on error', async () => {
    const f = fixtures();

    await prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: f.tenant });
      await tx.carrier.create({ data: f.carrier });
    });
    const failed = prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: 'rolled-back', name: 'x' } });
      throw new Error('abort');
    });

    await expect(failed).rejects.toThrow('abort');
    expect(await prisma.tenant.findMany({ select: { id: true } })).toEqual([{ id: f.tenant.id }]);
  });

  it('agrees with the schema: tables, columns, enums and Prisma-style constraint names', async () => {
    // The client's own view of schema.prisma (models, db names, field kinds). Internal to
    // Prisma, hence the cast; fine for a test, which would fail loudly if it moved.
    const model = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    const tableOf = (name: string) => model.models[name].dbName ?? name;
    const tables = Object.keys(model.models).map(tableOf);

    const columns = await prisma.$queryRaw<{ table: string; column: string; udt: string }[]>`
      SELECT table_name AS table, column_name AS column, udt_name AS udt
        FROM information_schema.columns WHERE table_schema = current_schema()`;
    for (const [name, m] of Object.entries(model.models)) {
      const scalars = m.fields.filter((field) => field.kind !== 'object');
      const expected = scalars.map((field) => field.dbName ?? field.name).sort();
      const actual = columns
        .filter((c) => c.table === tableOf(name))
        .map((c) => c.column)
        .sort();
      expect([name, actual]).toEqual([name, expected]);
      for (const field of scalars.filter((s) => s.kind === 'enum')) {
        const column = columns.find(
          (c) => c.table === tableOf(name) && c.column === (field.dbName ?? field.name),
        )!;
        const labels = await prisma.$queryRawUnsafe<{ label: string }[]>(
          'SELECT enumlabel AS label FROM pg_enum WHERE enumtypid = $1::regtype ORDER BY enumsortorder',
          column.udt,
        );
        const values = Object.values($Enums[field.type as keyof typeof $Enums]);
        expect([name, field.name, labels.map((l) => l.label)]).toEqual([name, field.name, values]);
      }
    }

    // Constraint and index names as Prisma derives them, so `prisma migrate dev` finds no drift.
    const constraints = await prisma.$queryRaw<
      { table: string; name: string; type: string; columns: string[] }[]
    >`
      SELECT c.relname AS table, i.relname AS name,
             CASE WHEN x.indisprimary THEN 'pkey' WHEN x.indisunique THEN 'key' ELSE 'idx' END AS type,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
        FROM pg_index x
        JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       GROUP BY c.relname, i.relname, x.indisprimary, x.indisunique
      UNION ALL
      SELECT c.relname, f.conname, 'fkey', array_agg(a.attname::text ORDER BY k.ord)
        FROM pg_constraint f
        JOIN pg_class c ON c.oid = f.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        CROSS JOIN LATERAL unnest(f.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE f.contype = 'f'
       GROUP BY c.relname, f.conname`;
    const ours = constraints.filter((c) => tables.includes(c.table));
    expect(ours.length).toBeGreaterThan(tables.length); // at least every primary key
    for (const c of ours) {
      const prismaName =
        c.type === 'pkey' ? `${c.table}_pkey` : `${c.table}_${c.columns.join('_')}_${c.type}`;
      expect(c.name).toBe(prismaName);
    }
  });
});

function withoutUpdatedAt<T extends { updatedAt: Date }>(row: T): Omit<T, 'updatedAt'> {
  const { updatedAt: _ignored, ...rest } = row;
  return rest;
}

async function seed(prisma: PrismaClient, f: ReturnType<typeof fixtures>): Promise<void> {
  await prisma.tenant.create({ data: f.tenant });
  await prisma.apiKey.create({ data: f.apiKey });
  await prisma.carrier.create({ data: f.carrier });
  await prisma.route.create({ data: f.route });
  await prisma.message.create({ data: f.message });
  await prisma.messageStatusEvent.create({ data: f.messageStatusEvent });
  await prisma.carrierMessageId.create({ data: f.carrierMessageId });
  await prisma.accountingRecord.create({ data: f.accountingRecord });
}
