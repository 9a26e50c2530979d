import type { RuntimeDataModel } from '@prisma/client/runtime/client';
import { join } from 'node:path';
import { Prisma, type PrismaClient } from './prisma-client';
import { createDatabase, type Database, type DatabaseOptions } from './create-database';
import { tempDir, testSchema, type TestSchema } from './test/test-databases';
import { $Enums, CarrierKind, MessageStatus, TenantStatus } from './index';

// A fresh PGlite (initdb and every migration, in WASM) takes about 30 s on a 2-core machine,
// and over a minute when the machine is slow. jest.config.js' per-project
// testTimeout is not applied (jest reads testTimeout from the global config only).
jest.setTimeout(180_000);

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
  const clientCertificate = {
    fingerprint: 'c'.repeat(64),
    tenantId: tenant.id,
    label: 'production client',
    subject: 'CN=acme-client, O=Acme',
    issuer: 'CN=Acme Tenants CA',
    serialNumber: '1F',
    notAfter: at('2027-01-02T03:04:05.006Z'),
    scopes: ['send'],
    createdAt: at('2026-01-02T03:04:05.007Z'),
    revokedAt: at('2026-02-01T00:00:00.008Z'),
    lastUsedAt: at('2026-01-31T23:59:59.009Z'),
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
  const serverGroup = {
    id: 'group-eu',
    name: 'EU uplinks',
    strategy: $Enums.RoutingStrategy.least_cost,
    createdAt: at('2026-01-02T00:00:00.000Z'),
    updatedAt: at('2026-01-02T00:00:00.001Z'),
  };
  const serverGroupMember = {
    serverGroupId: serverGroup.id,
    carrierId: carrier.id,
    position: 2,
    weight: 70,
  };
  const route = {
    id: 'route-1',
    priority: 10,
    enabled: false,
    tenantId: tenant.id,
    classOfService: 'otp',
    destinationPrefix: '4915',
    country: 'DE',
    network: 'DE-Telekom',
    sender: 'ACME',
    shortCode: '1234',
    keyword: 'BAL',
    contentPattern: '\\bcode\\b',
    timeZone: 'Europe/Berlin',
    windowStart: '22:00',
    windowEnd: '06:30',
    windowDays: [1, 2, 7],
    carrierId: carrier.id,
    // A rule targets a carrier or a group, never both (CHECK): groupRoute sets the group.
    serverGroupId: null,
    createdAt: at('2026-01-03T00:00:00.000Z'),
    updatedAt: at('2026-01-03T00:00:00.001Z'),
  };
  const groupRoute = {
    ...route,
    id: 'route-2',
    carrierId: null,
    serverGroupId: serverGroup.id,
  };
  const numberRange = {
    prefix: '38267',
    network: 'ME-Telenor',
    createdAt: at('2026-01-03T00:00:00.002Z'),
    updatedAt: at('2026-01-03T00:00:00.003Z'),
  };
  const carrierPrice = {
    id: 'price-1',
    carrierId: carrier.id,
    prefix: '4915',
    classOfService: 'bulk',
    priceMinor: 4,
    currency: 'EUR',
    createdAt: at('2026-01-03T00:00:00.004Z'),
    updatedAt: at('2026-01-03T00:00:00.005Z'),
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
    statusErrorCode: '000',
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
    parkedAt: at('2026-01-04T10:00:00.123Z'),
  };
  const messageStatusEvent = {
    id: 9_007_199_254_740_993n, // beyond Number.MAX_SAFE_INTEGER: BIGINT, not a float
    eventId: 'evt-1',
    messageId: message.id,
    status: MessageStatus.routed,
    detail: 'route default',
    source: 'routing',
    occurredAt: at('2026-01-04T10:00:00.500Z'),
    costMinor: 4,
    costCurrency: 'USD',
    errorCode: 'quota-exceeded',
  };
  const accountingRecord = {
    messageId: message.id,
    tenantId: tenant.id,
    classOfService: 'otp',
    source: 'ACME',
    destination: '+491511234567',
    country: 'DE',
    network: 'DE-Telekom',
    clientReference: 'order-42',
    metadata: { campaign: 'spring' },
    carrierId: carrier.id,
    routeId: route.id,
    parts: 2,
    encoding: 'ucs2',
    finalStatus: MessageStatus.delivered,
    errorCode: '000',
    costMinor: 7,
    costCurrency: 'USD',
    priceMinor: 12,
    priceCurrency: 'EUR',
    listPriceMinor: 16,
    tariffId: 'tariff-1',
    billingMode: 'prepaid',
    chargeOn: 'delivery',
    charged: true,
    adjustments: [{ rule: 'free-otp-retry', note: 'retry 1', amountMinor: 0 }],
    acceptedAt: at('2026-01-04T10:00:00.123Z'),
    routedAt: at('2026-01-04T10:00:00.200Z'),
    sentAt: at('2026-01-04T10:00:00.300Z'),
    finalAt: at('2026-01-04T10:00:05.000Z'),
    recordedAt: at('2026-01-04T10:00:06.000Z'),
    updatedAt: at('2026-01-04T10:00:06.100Z'),
    revision: 3,
    publishedRevision: 2,
    publishPending: true,
    publishClaimedAt: at('2026-01-04T10:00:06.400Z'),
    publishedAt: at('2026-01-04T10:00:06.500Z'),
    rowVersion: 5,
  };
  const tariff = {
    id: 'tariff-1',
    tenantId: tenant.id,
    prefix: '4915',
    classOfService: 'otp',
    priceMinor: 8,
    currency: 'EUR',
    createdAt: at('2026-01-03T00:00:00.006Z'),
    updatedAt: at('2026-01-03T00:00:00.007Z'),
  };
  const billingRule = {
    id: 'rule-1',
    tenantId: tenant.id,
    rule: 'free-otp-retry',
    params: { windowMinutes: 5, maxFreeRetries: 1 },
    position: 2,
    enabled: false,
    createdAt: at('2026-01-03T00:00:00.008Z'),
    updatedAt: at('2026-01-03T00:00:00.009Z'),
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
  const adminKey = {
    id: 'tha_ab12cd34',
    prefix: 'tha_ab12cd34',
    secretHash: 'c'.repeat(64),
    name: 'ops-alice',
    createdAt: at('2026-01-08T00:00:00.000Z'),
    revokedAt: at('2026-01-09T00:00:00.001Z'),
  };
  const idempotencyKey = {
    tenantId: tenant.id,
    key: 'order-42-attempt',
    requestHash: 'e'.repeat(64),
    response: { status: 202, body: { id: message.id, status: 'accepted', parts: 2 } },
    createdAt: at('2026-01-04T10:00:00.124Z'),
  };
  const smppBindLease = {
    carrierId: carrier.id,
    slot: 2,
    holder: 'smpp-connector-7f9c/1234/ab12',
    expiresAt: at('2026-01-10T00:00:30.123Z'),
  };
  const snsDeliveryStatusCursor = {
    logGroup: 'sns/eu-west-1/123456789012/DirectPublishToPhoneNumber/Failure',
    readUntil: at('2026-01-10T00:00:01.234Z'),
    leaseOwner: 'sns-connector-5d8b/ab12cd34',
    leaseUntil: at('2026-01-10T00:00:31.234Z'),
  };
  return {
    smppBindLease,
    snsDeliveryStatusCursor,
    ...policyEngineFixtures(tenant.id, message.id),
    ...dlrFixtures(tenant.id, message.id, carrier.id),
    idempotencyKey,
    adminKey,
    configRevision,
    tenant,
    apiKey,
    clientCertificate,
    carrier,
    serverGroup,
    serverGroupMember,
    route,
    groupRoute,
    numberRange,
    carrierPrice,
    message,
    messageStatusEvent,
    accountingRecord,
    tariff,
    billingRule,
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
    // Policy engine tables (no foreign keys).
    await prisma.smppBindLease.deleteMany();
    await prisma.snsDeliveryStatusCursor.deleteMany();
    await prisma.dlrCarrierKey.deleteMany();
    await prisma.dlrPartReceipt.deleteMany();
    await prisma.dlrDeadline.deleteMany();
    await prisma.dlrPath.deleteMany();
    await prisma.dlrWebhookSecret.deleteMany();
    await prisma.webhookDelivery.deleteMany();
    await prisma.dlrTrigger.deleteMany();
    await prisma.moHandler.deleteMany();
    await prisma.moPart.deleteMany();
    await prisma.moReassembly.deleteMany();
    await prisma.moMessage.deleteMany();
    await prisma.tenantPolicy.deleteMany();
    await prisma.tenantUsage.deleteMany();
    await prisma.policyDecision.deleteMany();
    await prisma.deferredMessage.deleteMany();
    await prisma.inFlightMessage.deleteMany();
    await prisma.rateLimitState.deleteMany();
    await prisma.suppression.deleteMany();
    await prisma.tenantBalance.deleteMany();
    await prisma.balanceReservation.deleteMany();
    await prisma.auditLog.deleteMany();
    await prisma.adminKey.deleteMany();
    await prisma.idempotencyKey.deleteMany();
    await prisma.deadLetter.deleteMany();
    await prisma.accountingRecord.deleteMany();
    await prisma.tariff.deleteMany();
    await prisma.billingRule.deleteMany();
    // A message's history has no foreign key (nothing cascades).
    await prisma.messageStatusEvent.deleteMany();
    await prisma.message.deleteMany();
    await prisma.route.deleteMany();
    await prisma.serverGroup.deleteMany();
    await prisma.numberRange.deleteMany();
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
      ClientCertificate: f.clientCertificate,
      Carrier: f.carrier,
      Route: f.route,
      ServerGroup: f.serverGroup,
      ServerGroupMember: f.serverGroupMember,
      NumberRange: f.numberRange,
      CarrierPrice: f.carrierPrice,
      Message: f.message,
      MessageStatusEvent: f.messageStatusEvent,
      AccountingRecord: f.accountingRecord,
      Tariff: f.tariff,
      BillingRule: f.billingRule,
      AuditLog: f.auditLog,
      DeadLetter: f.deadLetter,
      ConfigRevision: f.configRevision,
      AdminKey: f.adminKey,
      TenantPolicy: f.tenantPolicy,
      TenantUsage: f.tenantUsage,
      PolicyDecision: f.policyDecision,
      DeferredMessage: f.deferredMessage,
      InFlightMessage: f.inFlightMessage,
      RateLimitState: f.rateLimitState,
      Suppression: f.suppression,
      TenantBalance: f.tenantBalance,
      BalanceReservation: f.balanceReservation,
      IdempotencyKey: f.idempotencyKey,
      SmppBindLease: f.smppBindLease,
      SnsDeliveryStatusCursor: f.snsDeliveryStatusCursor,
      DlrCarrierKey: f.dlrCarrierKey,
      DlrPartReceipt: f.dlrPartReceipt,
      DlrDeadline: f.dlrDeadline,
      DlrPath: f.dlrPath,
      DlrWebhookSecret: f.dlrWebhookSecret,
      WebhookDelivery: f.webhookDelivery,
      DlrTrigger: f.dlrTrigger,
      MoHandler: f.moHandler,
      MoPart: f.moPart,
      MoReassembly: f.moReassembly,
      MoMessage: f.moMessage,
    };
    const scalarFields: Record<Prisma.ModelName, object> = {
      Tenant: Prisma.TenantScalarFieldEnum,
      ApiKey: Prisma.ApiKeyScalarFieldEnum,
      ClientCertificate: Prisma.ClientCertificateScalarFieldEnum,
      Carrier: Prisma.CarrierScalarFieldEnum,
      Route: Prisma.RouteScalarFieldEnum,
      ServerGroup: Prisma.ServerGroupScalarFieldEnum,
      ServerGroupMember: Prisma.ServerGroupMemberScalarFieldEnum,
      NumberRange: Prisma.NumberRangeScalarFieldEnum,
      CarrierPrice: Prisma.CarrierPriceScalarFieldEnum,
      Message: Prisma.MessageScalarFieldEnum,
      MessageStatusEvent: Prisma.MessageStatusEventScalarFieldEnum,
      AccountingRecord: Prisma.AccountingRecordScalarFieldEnum,
      Tariff: Prisma.TariffScalarFieldEnum,
      BillingRule: Prisma.BillingRuleScalarFieldEnum,
      AuditLog: Prisma.AuditLogScalarFieldEnum,
      DeadLetter: Prisma.DeadLetterScalarFieldEnum,
      ConfigRevision: Prisma.ConfigRevisionScalarFieldEnum,
      AdminKey: Prisma.AdminKeyScalarFieldEnum,
      TenantPolicy: Prisma.TenantPolicyScalarFieldEnum,
      TenantUsage: Prisma.TenantUsageScalarFieldEnum,
      PolicyDecision: Prisma.PolicyDecisionScalarFieldEnum,
      DeferredMessage: Prisma.DeferredMessageScalarFieldEnum,
      InFlightMessage: Prisma.InFlightMessageScalarFieldEnum,
      RateLimitState: Prisma.RateLimitStateScalarFieldEnum,
      Suppression: Prisma.SuppressionScalarFieldEnum,
      TenantBalance: Prisma.TenantBalanceScalarFieldEnum,
      BalanceReservation: Prisma.BalanceReservationScalarFieldEnum,
      IdempotencyKey: Prisma.IdempotencyKeyScalarFieldEnum,
      SmppBindLease: Prisma.SmppBindLeaseScalarFieldEnum,
      SnsDeliveryStatusCursor: Prisma.SnsDeliveryStatusCursorScalarFieldEnum,
      DlrCarrierKey: Prisma.DlrCarrierKeyScalarFieldEnum,
      DlrPartReceipt: Prisma.DlrPartReceiptScalarFieldEnum,
      DlrDeadline: Prisma.DlrDeadlineScalarFieldEnum,
      DlrPath: Prisma.DlrPathScalarFieldEnum,
      DlrWebhookSecret: Prisma.DlrWebhookSecretScalarFieldEnum,
      WebhookDelivery: Prisma.WebhookDeliveryScalarFieldEnum,
      DlrTrigger: Prisma.DlrTriggerScalarFieldEnum,
      MoHandler: Prisma.MoHandlerScalarFieldEnum,
      MoPart: Prisma.MoPartScalarFieldEnum,
      MoReassembly: Prisma.MoReassemblyScalarFieldEnum,
      MoMessage: Prisma.MoMessageScalarFieldEnum,
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
    await prisma.clientCertificate.create({ data: f.clientCertificate });
    await prisma.carrier.create({ data: f.carrier });
    await prisma.serverGroup.create({ data: f.serverGroup });
    await prisma.serverGroupMember.create({ data: f.serverGroupMember });
    await prisma.route.create({ data: f.route });
    await prisma.route.create({ data: f.groupRoute });
    await prisma.numberRange.create({ data: f.numberRange });
    await prisma.carrierPrice.create({ data: f.carrierPrice });
    await prisma.message.create({ data: f.message });
    await prisma.messageStatusEvent.create({ data: f.messageStatusEvent });
    await prisma.accountingRecord.create({ data: f.accountingRecord });
    await prisma.tariff.create({ data: f.tariff });
    await prisma.billingRule.create({ data: f.billingRule });
    await prisma.auditLog.create({ data: f.auditLog });
    await prisma.deadLetter.create({ data: f.deadLetter });
    // The migration seeds the single row; a change bumps it.
    await prisma.configRevision.update({ where: { id: 1 }, data: f.configRevision });
    await prisma.adminKey.create({ data: f.adminKey });
    await prisma.tenantPolicy.create({ data: f.tenantPolicy });
    await prisma.tenantUsage.create({ data: f.tenantUsage });
    await prisma.policyDecision.create({ data: f.policyDecision });
    await prisma.deferredMessage.create({ data: f.deferredMessage });
    await prisma.inFlightMessage.create({ data: f.inFlightMessage });
    await prisma.rateLimitState.create({ data: f.rateLimitState });
    await prisma.suppression.create({ data: f.suppression });
    await prisma.tenantBalance.create({ data: f.tenantBalance });
    await prisma.balanceReservation.create({ data: f.balanceReservation });
    await prisma.idempotencyKey.create({ data: f.idempotencyKey });
    await prisma.smppBindLease.create({ data: f.smppBindLease });
    await prisma.snsDeliveryStatusCursor.create({ data: f.snsDeliveryStatusCursor });
    // dlr service tables (no foreign keys).
    await prisma.dlrCarrierKey.create({ data: f.dlrCarrierKey });
    await prisma.dlrPartReceipt.create({ data: f.dlrPartReceipt });
    await prisma.dlrDeadline.create({ data: f.dlrDeadline });
    await prisma.dlrPath.create({ data: f.dlrPath });
    await prisma.dlrWebhookSecret.create({ data: f.dlrWebhookSecret });
    await prisma.webhookDelivery.create({ data: f.webhookDelivery });
    await prisma.dlrTrigger.create({ data: f.dlrTrigger });
    await prisma.moHandler.create({ data: f.moHandler });
    await prisma.moPart.create({ data: f.moPart });
    await prisma.moReassembly.create({ data: f.moReassembly });
    await prisma.moMessage.create({ data: f.moMessage });
    expect(await prisma.dlrCarrierKey.findFirstOrThrow()).toEqual(f.dlrCarrierKey);
    expect(await prisma.dlrPartReceipt.findFirstOrThrow()).toEqual(f.dlrPartReceipt);
    expect(await prisma.dlrDeadline.findFirstOrThrow()).toEqual(f.dlrDeadline);
    expect(withoutUpdatedAt(await prisma.dlrPath.findFirstOrThrow())).toEqual(
      withoutUpdatedAt(f.dlrPath),
    );
    expect(await prisma.dlrWebhookSecret.findFirstOrThrow()).toEqual(f.dlrWebhookSecret);
    expect(await prisma.webhookDelivery.findFirstOrThrow()).toEqual(f.webhookDelivery);
    expect(withoutUpdatedAt(await prisma.dlrTrigger.findFirstOrThrow())).toEqual(
      withoutUpdatedAt(f.dlrTrigger),
    );
    expect(withoutUpdatedAt(await prisma.moHandler.findFirstOrThrow())).toEqual(
      withoutUpdatedAt(f.moHandler),
    );
    expect(await prisma.moPart.findFirstOrThrow()).toEqual(f.moPart);
    expect(await prisma.moReassembly.findFirstOrThrow()).toEqual(f.moReassembly);
    expect(await prisma.moMessage.findFirstOrThrow()).toEqual(f.moMessage);

    // updatedAt is @updatedAt: Prisma overwrites the given value on create. Everything else is exact.
    expect(
      withoutUpdatedAt(await prisma.tenant.findUniqueOrThrow({ where: { id: f.tenant.id } })),
    ).toEqual(withoutUpdatedAt(f.tenant));
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { prefix: f.apiKey.prefix } })).toEqual(
      f.apiKey,
    );
    expect(await prisma.clientCertificate.findFirstOrThrow()).toEqual(f.clientCertificate);
    expect(
      withoutUpdatedAt(await prisma.carrier.findUniqueOrThrow({ where: { id: f.carrier.id } })),
    ).toEqual(withoutUpdatedAt(f.carrier));
    for (const route of [f.route, f.groupRoute]) {
      expect(
        withoutUpdatedAt(await prisma.route.findUniqueOrThrow({ where: { id: route.id } })),
      ).toEqual(withoutUpdatedAt(route));
    }
    expect(
      withoutUpdatedAt(
        await prisma.serverGroup.findUniqueOrThrow({ where: { id: f.serverGroup.id } }),
      ),
    ).toEqual(withoutUpdatedAt(f.serverGroup));
    expect(
      await prisma.serverGroupMember.findUniqueOrThrow({
        where: {
          serverGroupId_carrierId: { serverGroupId: f.serverGroup.id, carrierId: f.carrier.id },
        },
      }),
    ).toEqual(f.serverGroupMember);
    expect(
      withoutUpdatedAt(
        await prisma.numberRange.findUniqueOrThrow({ where: { prefix: f.numberRange.prefix } }),
      ),
    ).toEqual(withoutUpdatedAt(f.numberRange));
    expect(
      withoutUpdatedAt(
        await prisma.carrierPrice.findUniqueOrThrow({ where: { id: f.carrierPrice.id } }),
      ),
    ).toEqual(withoutUpdatedAt(f.carrierPrice));
    expect(
      withoutUpdatedAt(await prisma.message.findUniqueOrThrow({ where: { id: f.message.id } })),
    ).toEqual(withoutUpdatedAt(f.message));
    expect(
      await prisma.messageStatusEvent.findUniqueOrThrow({
        where: {
          messageId_eventId: {
            messageId: f.messageStatusEvent.messageId,
            eventId: f.messageStatusEvent.eventId,
          },
        },
      }),
    ).toEqual(f.messageStatusEvent);
    expect(
      withoutUpdatedAt(
        await prisma.accountingRecord.findUniqueOrThrow({ where: { messageId: f.message.id } }),
      ),
    ).toEqual(withoutUpdatedAt(f.accountingRecord));
    expect(
      withoutUpdatedAt(await prisma.tariff.findUniqueOrThrow({ where: { id: f.tariff.id } })),
    ).toEqual(withoutUpdatedAt(f.tariff));
    expect(
      withoutUpdatedAt(
        await prisma.billingRule.findUniqueOrThrow({ where: { id: f.billingRule.id } }),
      ),
    ).toEqual(withoutUpdatedAt(f.billingRule));
    expect(await prisma.auditLog.findUniqueOrThrow({ where: { id: 1n } })).toEqual(f.auditLog);
    expect(
      await prisma.deadLetter.findUniqueOrThrow({ where: { eventId: f.deadLetter.eventId } }),
    ).toEqual(f.deadLetter);
    expect(await prisma.configRevision.findUniqueOrThrow({ where: { id: 1 } })).toEqual(
      f.configRevision,
    );
    expect(
      await prisma.adminKey.findUniqueOrThrow({ where: { prefix: f.adminKey.prefix } }),
    ).toEqual(f.adminKey);
    const byTenant = { where: { tenantId: f.tenant.id } };
    const byMessage = { where: { messageId: f.message.id } };
    expect(await prisma.tenantPolicy.findFirstOrThrow(byTenant)).toEqual(f.tenantPolicy);
    expect(await prisma.tenantUsage.findFirstOrThrow(byTenant)).toEqual(f.tenantUsage);
    expect(await prisma.policyDecision.findUniqueOrThrow(byMessage)).toEqual(f.policyDecision);
    expect(await prisma.deferredMessage.findUniqueOrThrow(byMessage)).toEqual(f.deferredMessage);
    expect(await prisma.inFlightMessage.findUniqueOrThrow(byMessage)).toEqual(f.inFlightMessage);
    expect(await prisma.rateLimitState.findUniqueOrThrow(byTenant)).toEqual(f.rateLimitState);
    expect(await prisma.suppression.findFirstOrThrow(byTenant)).toEqual(f.suppression);
    expect(withoutUpdatedAt(await prisma.tenantBalance.findUniqueOrThrow(byTenant))).toEqual(
      withoutUpdatedAt(f.tenantBalance),
    );
    expect(await prisma.balanceReservation.findUniqueOrThrow(byMessage)).toEqual(
      f.balanceReservation,
    );
    expect(
      await prisma.idempotencyKey.findUniqueOrThrow({
        where: { tenantId_key: { tenantId: f.tenant.id, key: f.idempotencyKey.key } },
      }),
    ).toEqual(f.idempotencyKey);
    expect(
      await prisma.smppBindLease.findUniqueOrThrow({
        where: {
          carrierId_slot: { carrierId: f.smppBindLease.carrierId, slot: f.smppBindLease.slot },
        },
      }),
    ).toEqual(f.smppBindLease);
    expect(await prisma.snsDeliveryStatusCursor.findFirstOrThrow()).toEqual(
      f.snsDeliveryStatusCursor,
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
    const record = await prisma.accountingRecord.create({
      data: {
        ...f.accountingRecord,
        messageId: message.id,
        tenantId: tenant.id,
        country: null,
        network: null,
        clientReference: null,
        metadata: undefined,
        carrierId: null,
        routeId: null,
        finalStatus: null,
        errorCode: null,
        costMinor: undefined,
        priceMinor: undefined,
        listPriceMinor: undefined,
        tariffId: null,
        billingMode: null,
        chargeOn: null,
        charged: undefined,
        adjustments: undefined,
        routedAt: null,
        sentAt: null,
        finalAt: null,
        recordedAt: undefined,
        updatedAt: undefined,
        revision: undefined,
        publishedRevision: undefined,
        publishPending: undefined,
        publishClaimedAt: null,
        publishedAt: undefined,
        rowVersion: undefined,
      },
    });
    const tariff = await prisma.tariff.create({
      data: { id: 't-min', priceMinor: 3, currency: 'EUR' },
    });
    const billingRule = await prisma.billingRule.create({
      data: { id: 'r-min', rule: 'free-otp-retry' },
    });
    const audit = await prisma.auditLog.create({
      data: { actor: 'system', action: 'create', entity: 'tenant', entityId: tenant.id },
    });

    expect(tenant).toMatchObject({ status: TenantStatus.active });
    expect(apiKey).toMatchObject({ scopes: [], revokedAt: null, lastUsedAt: null });
    expect(carrier).toMatchObject({ enabled: true, config: {} });
    expect(route).toMatchObject({
      enabled: true,
      tenantId: null,
      destinationPrefix: null,
      classOfService: null,
      windowDays: [],
      serverGroupId: null,
    });
    expect(message).toMatchObject({
      statusDetail: null,
      carrierId: null,
      routeId: null,
      clientReference: null,
    });
    expect(events.map((e) => [e.detail, e.costMinor, e.costCurrency, e.errorCode])).toEqual([
      [null, null, null, null],
      [null, null, null, null],
    ]);
    const [first, second] = events.map((e) => e.id);
    expect(typeof first).toBe('bigint');
    expect(second).toBe(first + 1n);
    expect(record).toMatchObject({
      carrierId: null,
      routeId: null,
      metadata: null,
      finalStatus: null,
      costMinor: 0,
      priceMinor: 0,
      listPriceMinor: 0,
      charged: false,
      adjustments: [],
      revision: 0,
      publishedRevision: 0,
      publishPending: false,
      publishedAt: null,
      rowVersion: 0,
    });
    expect(tariff).toMatchObject({ tenantId: null, prefix: '', classOfService: null });
    expect(billingRule).toMatchObject({ tenantId: null, params: {}, position: 0, enabled: true });
    expect(audit).toMatchObject({ before: null, after: null });
    const adminKey = await prisma.adminKey.create({
      data: { id: 'tha_00000000', prefix: 'tha_00000000', secretHash: 'd'.repeat(64), name: 'm' },
    });
    expect(adminKey.revokedAt).toBeNull();
    expect(adminKey.createdAt.getTime()).toBeGreaterThan(before);
    const idempotencyKey = await prisma.idempotencyKey.create({
      data: { tenantId: tenant.id, key: 'k', requestHash: 'f'.repeat(64), response: {} },
    });
    expect(idempotencyKey.createdAt.getTime()).toBeGreaterThan(before);
    expect(typeof audit.id).toBe('bigint');
    for (const time of [
      tenant.createdAt,
      tenant.updatedAt,
      apiKey.createdAt,
      carrier.createdAt,
      route.createdAt,
      message.createdAt,
      record.recordedAt,
      tariff.createdAt,
      billingRule.createdAt,
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
        accountingRecord: true,
      },
    });
    const tenant = await prisma.tenant.findUniqueOrThrow({
      where: { id: f.tenant.id },
      include: { apiKeys: true, routes: { include: { carrier: true } }, messages: true },
    });

    expect(message.tenant.id).toBe(f.tenant.id);
    expect(message.statusEvents.map((e) => e.eventId)).toEqual(['evt-1']);
    expect(message.accountingRecord?.priceMinor).toBe(12);
    expect(tenant.apiKeys.map((k) => k.prefix)).toEqual([f.apiKey.prefix]);
    expect(tenant.routes[0]?.carrier?.kind).toBe(CarrierKind.smpp);
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

    // Restrict: a carrier with routes, a message's tenant. PGlite 0.5 is
    // PostgreSQL 18, which reports a RESTRICT violation as SQLSTATE 23001 (15 says 23503);
    // pglite-prisma-adapter 0.7.2 does not map 23001, so Prisma calls it P2039, not P2003.
    const restricted = backend.name === 'pglite' ? 'P2039' : 'P2003';
    await expect(prisma.carrier.delete({ where: { id: f.carrier.id } })).rejects.toMatchObject({
      code: restricted,
    });
    await expect(
      prisma.message.create({ data: { ...f.message, id: 'orphan', tenantId: 'nobody' } }),
    ).rejects.toMatchObject({ code: 'P2003' });

    // No foreign key from a message's history and accounting record (written only
    // for messages their writers found in the same statement; the check cost every row a lock
    // on the message): deleting a message leaves them, which no code does.
    await prisma.message.delete({ where: { id: f.message.id } });
    expect(await prisma.messageStatusEvent.count()).toBe(1);
    expect(await prisma.accountingRecord.count()).toBe(1);

    // Cascade: a tenant's keys and routes go with it (its routes never become global).
    await prisma.tenant.delete({ where: { id: f.tenant.id } });
    expect(await prisma.apiKey.count()).toBe(0);
    expect(await prisma.route.count()).toBe(0);
  });

  it("deletes a tenant's client certificates with it", async () => {
    const f = fixtures();
    await prisma.tenant.create({ data: f.tenant });
    await prisma.clientCertificate.create({ data: f.clientCertificate });
    await prisma.tenant.delete({ where: { id: f.tenant.id } });
    expect(await prisma.clientCertificate.count()).toBe(0);
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
  await prisma.accountingRecord.create({ data: f.accountingRecord });
}

/** The policy engine's tables (libs/services/policy), one row each with every field set. */
function policyEngineFixtures(tenantId: string, messageId: string) {
  return {
    tenantPolicy: {
      tenantId,
      version: 3,
      document: { timeZone: 'Europe/Berlin', rate: { messagesPerSecond: 10, burst: 20 } },
      createdAt: at('2026-01-10T00:00:00.000Z'),
      createdBy: 'ops-alice',
    },
    tenantUsage: {
      tenantId,
      month: '2026-01',
      messages: 4_999,
      parts: 7_001,
      warnedAt: at('2026-01-10T00:00:00.001Z'),
    },
    policyDecision: {
      messageId,
      tenantId,
      outcome: $Enums.PolicyOutcome.rejected,
      month: '2026-01',
      parts: 2,
      detail: 'policy v3 monthlyQuota.messages 5000: quota-exceeded',
      reason: 'quota-exceeded',
      decidedAt: at('2026-01-10T00:00:00.002Z'),
    },
    deferredMessage: {
      messageId,
      tenantId,
      stage: $Enums.DeferralStage.paced,
      releaseAt: at('2026-01-10T08:00:00.000Z'),
      message: { messageId, text: 'Grüße 🙂', parts: 2 },
      createdAt: at('2026-01-10T00:00:00.003Z'),
    },
    inFlightMessage: { messageId, tenantId, since: at('2026-01-10T00:00:00.004Z') },
    rateLimitState: { tenantId, tatMs: 1_767_225_600_000.125 },
    suppression: {
      tenantId,
      number: '+491511234567',
      reason: 'STOP keyword',
      source: 'mo-keyword',
      createdAt: at('2026-01-10T00:00:00.005Z'),
    },
    tenantBalance: {
      tenantId,
      currency: 'EUR',
      availableMinor: 9_007_199_254_740_993n,
      reservedMinor: 12n,
      updatedAt: at('2026-01-10T00:00:00.006Z'),
    },
    balanceReservation: {
      messageId,
      tenantId,
      amountMinor: 12n,
      currency: 'EUR',
      state: $Enums.BalanceReservationState.settled,
      createdAt: at('2026-01-10T00:00:00.007Z'),
      settledAt: at('2026-01-10T00:00:05.000Z'),
    },
  };
}

/** The dlr service's tables (receipts, expiry, DLR paths, webhooks, triggers, MO): every field set. */
function dlrFixtures(tenantId: string, messageId: string, carrierId: string) {
  return {
    dlrCarrierKey: {
      carrierId,
      lookupKey: 'n:2587',
      messageId,
      tenantId,
      partIndex: 1,
      partCount: 2,
      carrierMessageId: '0A1B',
      routeId: 'route-1',
      traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      createdAt: at('2026-01-04T10:00:00.600Z'),
    },
    dlrPartReceipt: {
      eventId: 'c1d2e3f4-0000-4000-8000-00000000d1a1',
      messageId,
      carrierId,
      partIndex: 1,
      state: 'undeliverable',
      rawState: 'UNDELIV',
      errorCode: '034',
      carrierMessageId: '2587',
      receivedAt: at('2026-01-04T10:00:02.000Z'),
      createdAt: at('2026-01-04T10:00:02.001Z'),
    },
    dlrDeadline: {
      messageId,
      tenantId,
      carrierId,
      routeId: 'route-1',
      partCount: 2,
      expiresAt: at('2026-01-06T11:00:00.000Z'),
      leaseUntil: at('2026-01-06T11:01:00.000Z'),
      createdAt: at('2026-01-04T10:00:00.700Z'),
    },
    dlrPath: {
      id: 'path-1',
      tenantId,
      kind: 'webhook' as const,
      url: 'https://hooks.example.org/dlr',
      statuses: ['delivered', 'undeliverable'],
      enabled: false,
      createdAt: at('2026-01-02T00:00:00.000Z'),
      updatedAt: at('2026-01-02T00:00:00.001Z'),
    },
    dlrWebhookSecret: {
      tenantId,
      secret: 'whsec_current',
      previousSecret: 'whsec_previous',
      previousValidUntil: at('2026-01-03T00:00:00.000Z'),
      rotatedAt: at('2026-01-02T00:00:00.000Z'),
    },
    webhookDelivery: {
      id: 'c1d2e3f4-0000-4000-8000-00000000d1a2',
      tenantId,
      kind: 'status',
      eventId: 'c1d2e3f4-0000-4000-8000-00000000d1a3',
      url: 'https://hooks.example.org/dlr',
      payload: '{"type":"message.status"}',
      state: 'abandoned' as const,
      attempts: 7,
      nextAttemptAt: at('2026-01-05T10:00:00.000Z'),
      leaseUntil: at('2026-01-05T10:01:00.000Z'),
      giveUpAt: at('2026-01-05T10:00:00.000Z'),
      lastError: 'HTTP 503',
      lastStatusCode: 503,
      createdAt: at('2026-01-04T10:00:03.000Z'),
      deliveredAt: at('2026-01-04T10:00:04.000Z'),
    },
    dlrTrigger: {
      id: 'trigger-1',
      tenantId,
      routeId: 'route-1',
      carrierId,
      states: ['undeliverable'],
      errorCodes: ['034', '1'],
      action: 'reroute' as const,
      url: 'https://ops.example.org/dlr',
      priority: 10,
      enabled: false,
      description: 'network error: next carrier',
      createdAt: at('2026-01-02T00:00:00.000Z'),
      updatedAt: at('2026-01-02T00:00:00.001Z'),
    },
    moHandler: {
      id: 'mo-1',
      tenantId,
      destination: '1234',
      keyword: 'BAL',
      kind: 'auto_reply' as const,
      url: 'https://hooks.example.org/mo',
      replyTemplate: 'Balance: 42 EUR',
      enabled: false,
      createdAt: at('2026-01-02T00:00:00.000Z'),
      updatedAt: at('2026-01-02T00:00:00.001Z'),
    },
    moPart: {
      carrierId,
      source: '+38267111222',
      destination: '1234',
      reference: 513,
      total: 3,
      seq: 2,
      text: 'middle part ',
      eventId: 'c1d2e3f4-0000-4000-8000-00000000d1a4',
      receivedAt: at('2026-01-04T10:00:05.000Z'),
      completedAt: at('2026-01-04T10:00:06.000Z'),
      claimedUntil: at('2026-01-04T10:01:05.000Z'),
    },
    moReassembly: {
      carrierId,
      source: '+38267111222',
      destination: '1234',
      reference: 513,
      total: 3,
      moId: 'c1d2e3f4-0000-4000-8000-00000000d1a6',
      keyword: 'BAL',
      parts: [1, 3],
      handledAt: at('2026-01-04T10:10:06.000Z'),
    },
    moMessage: {
      id: 'c1d2e3f4-0000-4000-8000-00000000d1a5',
      tenantId,
      carrierId,
      source: '+38267111222',
      destination: '1234',
      text: 'BAL please',
      keyword: 'BAL',
      handlerId: 'mo-1',
      action: 'auto_reply',
      lateFragmentOf: 'c1d2e3f4-0000-4000-8000-00000000d1a6',
      receivedAt: at('2026-01-04T10:00:07.000Z'),
      createdAt: at('2026-01-04T10:00:07.001Z'),
    },
  };
}
