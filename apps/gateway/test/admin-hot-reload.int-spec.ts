import { type RunningAdmin, AdminKeyStore } from '@tuxhat/admin';
import { SMS_ACCEPTED, SMS_STATUS } from '@tuxhat/contracts';
import type { RunningIngress } from '@tuxhat/ingress';
import { PolicyModule } from '@tuxhat/policy';
import { startConsumerService } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, waitFor, type TestDatabase } from '@tuxhat/testing';
import type { INestMicroservice } from '@nestjs/common';

import {
  call,
  inProcessRuntime,
  quiet,
  startTestAdmin,
  startTestIngress,
} from './support/services';

/**
 * The admin API, ingress and policy running together on one database and bus, as in the
 * all-in-one gateway: an admin change reaches the running services without a restart, and
 * touches no other tenant.
 */
describe('admin changes on running services', () => {
  let db: TestDatabase;
  let admin: RunningAdmin;
  let ingress: RunningIngress;
  let policy: INestMicroservice;
  let accepted: TopicRecorder<typeof SMS_ACCEPTED>;
  let statuses: TopicRecorder<typeof SMS_STATUS>;
  let adminKey: string;

  beforeAll(async () => {
    db = await createTestDatabase('admin_hot_reload');
    const { broker, runtime } = inProcessRuntime(db.database.prisma);
    accepted = new TopicRecorder(SMS_ACCEPTED, broker);
    statuses = new TopicRecorder(SMS_STATUS, broker);
    adminKey = (await new AdminKeyStore(db.database.prisma).create('ops-alice')).key;
    policy = await startConsumerService({
      name: 'policy',
      module: PolicyModule.forRoot(runtime),
      runtime,
      logger: quiet,
      shutdownHooks: false,
    });
    ingress = await startTestIngress(runtime);
    admin = await startTestAdmin(runtime);
  });

  afterAll(async () => {
    await admin?.close();
    await ingress?.close();
    await policy?.close();
    await db?.drop();
  });

  const adminCall = (method: string, path: string, body?: unknown) =>
    call(admin.url, method, `/admin/v1${path}`, adminKey, body);

  const submit = (key: string, text: string) =>
    call(ingress.httpUrl, 'POST', '/v1/messages', key, {
      to: '+38267123456',
      from: 'TuxHat',
      text,
    });

  /** Waits until the tenant API answers `status` for this key (config reloads take ~1 s). */
  const untilSubmitAnswers = (key: string, status: number, text: string) =>
    waitFor(
      `POST /v1/messages to answer ${status}`,
      async () => {
        const answer = await submit(key, text);
        return answer.status === status ? answer : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );

  it('a key created through the admin API works at the running ingress; revoked, it stops', async () => {
    expect((await adminCall('POST', '/tenants', { id: 'hot', name: 'Hot' })).status).toBe(201);
    expect((await adminCall('POST', '/tenants', { id: 'calm', name: 'Calm' })).status).toBe(201);
    const hotKey = await adminCall('POST', '/tenants/hot/api-keys', { name: 'k' });
    const calmKey = await adminCall('POST', '/tenants/calm/api-keys', { name: 'k' });
    const hot = String(hotKey.body.key);
    const calm = String(calmKey.body.key);

    const first = await untilSubmitAnswers(hot, 202, 'hello from hot');
    const [event] = await accepted.waitFor(
      1,
      (item) => item.message.messageId === first.body.id,
      10_000,
    );
    expect(event.message.tenantId).toBe('hot');
    await untilSubmitAnswers(calm, 202, 'hello from calm');

    expect(
      (await adminCall('POST', `/tenants/hot/api-keys/${String(hotKey.body.id)}/revoke`)).status,
    ).toBe(200);
    const refused = await untilSubmitAnswers(hot, 401, 'after revocation');
    expect(refused.body.code).toBe('unauthorized');
    // Only that key: the other tenant's key still works.
    expect((await submit(calm, 'still fine')).status).toBe(202);
  });

  it("a tenant suspended through the admin API is rejected by the running policy; others aren't", async () => {
    const hotKey = await adminCall('POST', '/tenants/hot/api-keys', { name: 'k2' });
    const calmKey = await adminCall('POST', '/tenants/calm/api-keys', { name: 'k2' });
    const hot = String(hotKey.body.key);
    const calm = String(calmKey.body.key);
    await untilSubmitAnswers(hot, 202, 'before suspension');

    expect((await adminCall('PATCH', '/tenants/hot', { status: 'suspended' })).status).toBe(200);

    const rejected = await waitFor(
      'policy to reject the suspended tenant',
      async () => {
        const answer = await submit(hot, 'while suspended');
        if (answer.status !== 202) return undefined;
        const events = await statuses
          .waitFor(1, (item) => item.messageId === answer.body.id, 5_000)
          .catch(() => undefined);
        const [decision] = events ?? [];
        return decision?.status === 'rejected' ? decision : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(rejected.tenantId).toBe('hot');
    expect(rejected.detail).toContain('suspended');
    // The tenant reads why from the message's view: the policy's machine-readable reason.
    const view = await waitFor(
      'the rejection in the message view',
      async () => {
        const answer = await call(
          ingress.httpUrl,
          'GET',
          `/v1/messages/${rejected.messageId}`,
          hot,
        );
        return answer.body.status === 'rejected' ? answer.body : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(view).toMatchObject({ statusErrorCode: 'tenant-suspended' });
    expect(view.history).toContainEqual(
      expect.objectContaining({
        status: 'rejected',
        source: 'policy',
        errorCode: 'tenant-suspended',
      }),
    );

    // The other tenant goes on as before.
    const calmAnswer = await submit(calm, 'unaffected');
    expect(calmAnswer.status).toBe(202);
    const [calmEvent] = await accepted.waitFor(
      1,
      (item) => item.message.messageId === calmAnswer.body.id,
      10_000,
    );
    expect(calmEvent.message.tenantId).toBe('calm');
    expect(
      (await db.database.prisma.tenant.findUniqueOrThrow({ where: { id: 'calm' } })).status,
    ).toBe('active');
  });
});
