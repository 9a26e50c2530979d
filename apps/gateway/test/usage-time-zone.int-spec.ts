import { AdminKeyStore, type RunningAdmin } from '@tuxhat/admin';
import type { RunningIngress } from '@tuxhat/ingress';
import {
  createTestDatabase,
  insertAccountingRecords,
  testAccountingRecord,
  type TestDatabase,
} from '@tuxhat/testing';

import {
  type Json,
  call,
  inProcessRuntime,
  startTestAdmin,
  startTestIngress,
} from './support/services';

/**
 * The operator's usage report of one tenant and the tenant's own GET /v1/usage, on one
 * database as in the all-in-one gateway: for a tenant whose policy counts months in Auckland,
 * both count the same month, so an operator sees the figures the tenant sees.
 */
describe('a tenant month, seen by the operator and by the tenant', () => {
  let db: TestDatabase;
  let admin: RunningAdmin;
  let ingress: RunningIngress;
  let adminKey: string;
  let tenantKey: string;

  const adminCall = (method: string, path: string, body?: unknown) =>
    call(admin.url, method, `/admin/v1${path}`, adminKey, body);

  beforeAll(async () => {
    db = await createTestDatabase('usage_time_zone');
    const { runtime } = inProcessRuntime(db.database.prisma);
    adminKey = (await new AdminKeyStore(db.database.prisma).create('ops-alice')).key;
    admin = await startTestAdmin(runtime);
    expect((await adminCall('POST', '/tenants', { id: 'kiwi', name: 'Kiwi' })).status).toBe(201);
    const policy = await adminCall('PUT', '/tenants/kiwi/policy', { timeZone: 'Pacific/Auckland' });
    expect(policy.status).toBe(200);
    tenantKey = String((await adminCall('POST', '/tenants/kiwi/api-keys', { name: 'k' })).body.key);
    // Around the turn of October to November 2026 (Auckland is UTC+13 then).
    const kiwi = (messageId: string, acceptedAt: string, parts: number) =>
      testAccountingRecord(messageId, {
        tenantId: 'kiwi',
        parts,
        acceptedAt: new Date(acceptedAt),
      });
    await insertAccountingRecords(db.database.prisma, [
      kiwi('october-in-utc', '2026-10-31T11:30:00.000Z', 1), // 1 November 00:30 in Auckland
      kiwi('november', '2026-11-10T00:00:00.000Z', 2),
      kiwi('december-in-auckland', '2026-11-30T11:30:00.000Z', 4), // November in UTC
    ]);
    // Started last, ingress loads the key and the policy at start: no reload to wait for.
    ingress = await startTestIngress(runtime);
  });

  afterAll(async () => {
    await ingress?.close();
    await admin?.close();
    await db?.drop();
  });

  it("reports the tenant's own figures for its month; timeZone=UTC gives the UTC month", async () => {
    const tenant = await call(ingress.httpUrl, 'GET', '/v1/usage?month=2026-11', tenantKey);
    const operator = await adminCall('GET', '/accounting/usage?month=2026-11&tenantId=kiwi');
    expect([tenant.status, operator.status]).toEqual([200, 200]);
    const records = tenant.body.records as Json;
    expect(records).toMatchObject({ messages: 2, parts: 3 });
    const [row] = operator.body.tenants as Json[];
    expect({ timeZone: operator.body.timeZone, ...row }).toMatchObject({
      timeZone: tenant.body.timeZone,
      messages: records.messages,
      parts: records.parts,
      chargedMessages: records.chargedMessages,
      byStatus: records.byStatus,
      price: records.price,
    });

    const utc = await adminCall(
      'GET',
      '/accounting/usage?month=2026-11&tenantId=kiwi&timeZone=UTC',
    );
    expect(utc.body).toMatchObject({ timeZone: 'UTC', tenants: [{ messages: 2, parts: 6 }] });
  });
});
