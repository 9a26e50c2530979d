import type { INestMicroservice } from '@nestjs/common';
import { AccountingModule } from '@tuxhat/accounting';
import { AdminKeyStore, type RunningAdmin } from '@tuxhat/admin';
import {
  ACCOUNTING_RECORDS,
  type AccountingRecordEvent,
  SMS_STATUS,
  type SmsStatusEvent,
  accountingRecordEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import type { RunningIngress } from '@tuxhat/ingress';
import { type InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { PolicyModule } from '@tuxhat/policy';
import { startConsumerService } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import * as support from './support/services';

type ChargeOn = 'submit' | 'delivery';

const PRICE = 4; // EUR minor units per part: every message here is one part to +382...
const TOP_UP = 10; // two messages reserved, the third does not fit

/**
 * Prepaid billing end to end: ingress, policy (pre-billing: reserves the price at submit) and
 * accounting (post-billing: settles or releases the reservation when the message is final) on
 * one in-process bus and one PostgreSQL, configured and read back through the admin API as an
 * operator would. Routing, connectors and dlr are not the subject: the test publishes the
 * statuses they would (routed, sent, the final state) onto the bus.
 */
describe('prepaid billing: policy reserves, accounting settles', () => {
  let db: TestDatabase;
  let broker: InProcessBroker;
  let admin: RunningAdmin;
  let ingress: RunningIngress;
  const services: INestMicroservice[] = [];
  let statuses: TopicRecorder<typeof SMS_STATUS>;
  let records: TopicRecorder<typeof ACCOUNTING_RECORDS>;
  let adminKey: string;
  const tenantKeys = new Map<string, string>();
  const startedAt = new Date();

  /** An admin API call that must succeed; its JSON answer. */
  async function operator(method: string, path: string, body?: unknown): Promise<support.Json> {
    const answer = await support.call(admin.url, method, `/admin/v1${path}`, adminKey, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  }

  /** A prepaid tenant with its own tariff, a topped-up balance and an API key, all by the admin API. */
  async function prepaidTenant(id: string, chargeOn: ChargeOn): Promise<void> {
    await operator('POST', '/tenants', { id, name: id });
    await operator('PUT', `/tenants/${id}/policy`, { billing: { mode: 'prepaid', chargeOn } });
    await operator('POST', '/accounting/tariffs', {
      id: `${id}-me`,
      tenantId: id,
      prefix: '382',
      priceMinor: PRICE,
      currency: 'EUR',
    });
    await operator('POST', `/tenants/${id}/balance/top-ups`, {
      amountMinor: TOP_UP,
      currency: 'EUR',
    });
    const key = await operator('POST', `/tenants/${id}/api-keys`, { name: 'k' });
    tenantKeys.set(id, String(key.key));
  }

  beforeAll(async () => {
    db = await createTestDatabase('prepaid_billing');
    const gateway = support.inProcessRuntime(db.database.prisma);
    const runtime = gateway.runtime;
    broker = gateway.broker;
    statuses = new TopicRecorder(SMS_STATUS, broker);
    records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    adminKey = (await new AdminKeyStore(db.database.prisma).create('ops-alice')).key;
    admin = await support.startTestAdmin(runtime);
    // Configured before the services start: each loads tariffs, policies and keys at boot.
    await prepaidTenant('pay-on-delivery', 'delivery');
    await prepaidTenant('pay-on-submit', 'submit');

    const consumer = { runtime, logger: support.quiet, shutdownHooks: false } as const;
    services.push(
      await startConsumerService({
        ...consumer,
        name: 'policy',
        module: PolicyModule.forRoot(runtime, { configPollMs: 100 }),
      }),
      await startConsumerService({
        ...consumer,
        name: 'accounting',
        module: AccountingModule.forRoot(runtime, { currency: 'EUR', configPollMs: 100 }),
      }),
    );
    ingress = await support.startTestIngress(runtime);
  }, 60_000);

  afterAll(async () => {
    await ingress?.close();
    for (const service of services.splice(0)) await service.close();
    await admin?.close();
    await db?.drop();
  });

  /** POST /v1/messages as the tenant; resolves with the id once the policy has decided. */
  async function submit(tenantId: string, text: string) {
    const answer = await support.call(
      ingress.httpUrl,
      'POST',
      '/v1/messages',
      tenantKeys.get(tenantId)!,
      {
        to: '+38267123456',
        from: 'TuxHat',
        text,
      },
    );
    expect(answer.status).toBe(202);
    const id = String(answer.body.id);
    const [decision] = await statuses.waitFor(
      1,
      (event) => event.messageId === id && event.source === 'policy',
    );
    return { id, decision };
  }

  /** What routing, the connector and dlr would publish for a message, ending in `final`. */
  function carrierSays(
    tenantId: string,
    messageId: string,
    final: 'delivered' | 'undeliverable' | 'failed',
  ): void {
    const carrier = { carrierId: 'telco-a', routeId: 'me-mobile' };
    const t = Date.now();
    const step = (status: SmsStatusEvent['status'], ms: number, extra: Partial<SmsStatusEvent>) =>
      encodeEvent(SMS_STATUS, {
        ...derivedEnvelope(`${messageId}/${status}`, 'test', new Date(t + ms)),
        messageId,
        tenantId,
        status,
        source: 'test',
        ...extra,
      });
    broker.publish([
      step('routed', 0, { ...carrier, cost: { minor: 1, currency: 'EUR' } }),
      ...(final === 'failed' ? [] : [step('sent', 10, carrier)]),
      step(final, 20, final === 'delivered' ? carrier : { ...carrier, errorCode: '011' }),
    ]);
  }

  const recordOf = async (messageId: string): Promise<AccountingRecordEvent> =>
    (await records.waitFor(1, (event) => event.messageId === messageId))[0];

  /** The balance as the admin API shows it. */
  const balanceOf = (tenantId: string) => operator('GET', `/tenants/${tenantId}/balance`);

  /** The tenant's balance_reservations rows: message -> [amount, state]. */
  async function reservationsOf(tenantId: string) {
    const rows = await db.database.prisma.balanceReservation.findMany({ where: { tenantId } });
    return Object.fromEntries(
      rows.map((row) => [row.messageId, [Number(row.amountMinor), row.state]]),
    );
  }

  /** The tenant's accounting records as the admin API exports them (NDJSON), by message id. */
  async function exportedRecords(tenantId: string) {
    const period = new URLSearchParams({
      tenantId,
      from: new Date(startedAt.getTime() - 60_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    const path = `/admin/v1/accounting/export?${period.toString()}`;
    const answer = await support.call(admin.url, 'GET', path, adminKey);
    expect(answer.status).toBe(200);
    const lines = answer.text.trimEnd().split('\n');
    return new Map(
      lines
        .map((line) => accountingRecordEvent.parse(JSON.parse(line)))
        .map((record) => [record.messageId, record]),
    );
  }

  it('charges on delivery: a delivered message is settled, an undeliverable one released, a rejected one never reserved', async () => {
    const tenant = 'pay-on-delivery';
    const delivered = await submit(tenant, 'one');
    const undeliverable = await submit(tenant, 'two');
    const broke = await submit(tenant, 'three');
    expect(delivered.decision.status).toBe('accepted');
    expect(undeliverable.decision.status).toBe('accepted');
    // (c) the balance (10 - 2 x 4 = 2) cannot cover the third: rejected, nothing reserved
    expect(broke.decision).toMatchObject({ status: 'rejected', errorCode: 'insufficient-balance' });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 2, reservedMinor: 8 });
    expect(await reservationsOf(tenant)).toEqual({
      [delivered.id]: [PRICE, 'reserved'],
      [undeliverable.id]: [PRICE, 'reserved'],
    });

    // Delivered: the reservation is spent, what is available does not move.
    carrierSays(tenant, delivered.id, 'delivered');
    expect(await recordOf(delivered.id)).toMatchObject({
      finalStatus: 'delivered',
      price: { minor: PRICE, currency: 'EUR' },
      billing: { mode: 'prepaid', chargeOn: 'delivery', charged: true, listPriceMinor: PRICE },
    });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 2, reservedMinor: 4 });

    // Undeliverable: refunded, the reservation goes back to available.
    carrierSays(tenant, undeliverable.id, 'undeliverable');
    expect(await recordOf(undeliverable.id)).toMatchObject({
      finalStatus: 'undeliverable',
      price: { minor: 0, currency: 'EUR' },
      billing: {
        charged: false,
        listPriceMinor: PRICE,
        adjustments: [{ rule: 'charge-on-delivery', amountMinor: 0 }],
      },
    });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 6, reservedMinor: 0 });

    // The policy's rejection is final too: a record, charged nothing.
    expect(await recordOf(broke.id)).toMatchObject({
      finalStatus: 'rejected',
      price: { minor: 0 },
      billing: { charged: false },
    });
    const reservations = await reservationsOf(tenant);
    expect(reservations).toEqual({
      [delivered.id]: [PRICE, 'settled'],
      [undeliverable.id]: [PRICE, 'released'],
    });
    const exported = await exportedRecords(tenant);
    expect([...exported.keys()].sort()).toEqual([delivered.id, undeliverable.id, broke.id].sort());
    expect(exported.get(delivered.id)?.price.minor).toBe(reservations[delivered.id][0]);
    expect(exported.get(undeliverable.id)?.price.minor).toBe(0);
    expect(exported.get(broke.id)?.price.minor).toBe(0);
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 6, reservedMinor: 0 });
  });

  it('charges on submit: every accepted message is settled, failed or not; a rejected one is never reserved', async () => {
    const tenant = 'pay-on-submit';
    const delivered = await submit(tenant, 'one');
    const failed = await submit(tenant, 'two');
    const broke = await submit(tenant, 'three');
    expect(broke.decision).toMatchObject({ status: 'rejected', errorCode: 'insufficient-balance' });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 2, reservedMinor: 8 });

    carrierSays(tenant, failed.id, 'failed');
    expect(await recordOf(failed.id)).toMatchObject({
      finalStatus: 'failed',
      price: { minor: PRICE, currency: 'EUR' },
      cost: { minor: 0 }, // no carrier took it
      billing: { mode: 'prepaid', chargeOn: 'submit', charged: true, listPriceMinor: PRICE },
    });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 2, reservedMinor: 4 });

    carrierSays(tenant, delivered.id, 'delivered');
    expect(await recordOf(delivered.id)).toMatchObject({
      finalStatus: 'delivered',
      price: { minor: PRICE },
      billing: { charged: true },
    });
    expect(await recordOf(broke.id)).toMatchObject({
      finalStatus: 'rejected',
      price: { minor: 0 },
      billing: { charged: false },
    });
    expect(await balanceOf(tenant)).toMatchObject({ availableMinor: 2, reservedMinor: 0 });
    expect(await reservationsOf(tenant)).toEqual({
      [delivered.id]: [PRICE, 'settled'],
      [failed.id]: [PRICE, 'settled'],
    });
    const exported = await exportedRecords(tenant);
    expect(exported.size).toBe(3);
    expect(exported.get(failed.id)?.price.minor).toBe(PRICE);
    expect(exported.get(delivered.id)?.price.minor).toBe(PRICE);
    expect(exported.get(broke.id)?.price.minor).toBe(0);
  });
});
