import { type INestMicroservice, Logger } from '@nestjs/common';
import { AdminKeyStore, type RunningAdmin, startAdmin } from '@tuxhat/admin';
import { SMS_ACCEPTED, SMS_OUTBOUND, newEnvelope, outboundTopicFor } from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { RoutingConfigService, RoutingModule } from '@tuxhat/routing';
import { type ServiceRuntime, startConsumerService, systemClock } from '@tuxhat/runtime';
import {
  TopicRecorder,
  createTestDatabase,
  type TestDatabase,
  testMessage,
  waitFor,
} from '@tuxhat/testing';

// An operator changes a rule through the admin API while the routing service runs: the next
// message takes the new route, no restart, no call into the routing service.
describe('routing rules changed through the admin API apply without a restart', () => {
  let db: TestDatabase;
  let broker: InProcessBroker;
  let routing: INestMicroservice;
  let admin: RunningAdmin;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase('routing_admin');
    const prisma = db.database.prisma;
    await prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await prisma.carrier.createMany({
      data: ['telco-a', 'telco-b'].map((id) => ({
        id,
        name: id,
        kind: 'smpp' as const,
        config: {},
      })),
    });
    broker = new InProcessBroker();
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, new Logger()),
      prisma,
      clock: systemClock,
    };
    routing = await startConsumerService({
      name: 'routing',
      module: RoutingModule.forRoot(runtime),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
    });
    admin = await startAdmin(runtime, {
      host: '127.0.0.1',
      port: 0,
      logger: new Logger(),
      shutdownHooks: false,
    });
    key = (await new AdminKeyStore(prisma).create('ops-test')).key;
  });

  afterAll(async () => {
    await admin?.close();
    await routing?.close();
    await db?.drop();
  });

  async function adminCall(method: string, path: string, body: unknown): Promise<number> {
    const response = await fetch(`${admin.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  /** Applies an admin change and waits until the running routing service has reloaded. */
  async function change(method: string, path: string, body: unknown): Promise<void> {
    const config = routing.get(RoutingConfigService);
    const loads = config.loads;
    expect(await adminCall(method, path, body)).toBeLessThan(300);
    await waitFor('the routing service to reload its configuration', () =>
      config.loads > loads ? true : undefined,
    );
  }

  const accepted = (messageId: string) =>
    encodeEvent(SMS_ACCEPTED, {
      ...newEnvelope(),
      message: testMessage({ messageId, text: 'hello' }),
      decision: 'policy default',
    });

  it('routes the next message by the changed rule', async () => {
    const toA = new TopicRecorder(SMS_OUTBOUND, broker, outboundTopicFor('telco-a'));
    const toB = new TopicRecorder(SMS_OUTBOUND, broker, outboundTopicFor('telco-b'));

    await change('POST', '/admin/v1/routing/rules', {
      id: 'default',
      priority: 100,
      carrierId: 'telco-a',
    });
    broker.publish([accepted('before')]);
    await toA.waitFor(1, (event) => event.message.messageId === 'before');

    await change('POST', '/admin/v1/routing/server-groups', {
      id: 'pair',
      name: 'pair',
      strategy: 'failover',
      members: [{ carrierId: 'telco-b' }],
    });
    await change('PATCH', '/admin/v1/routing/rules/default', {
      carrierId: null,
      serverGroupId: 'pair',
    });
    broker.publish([accepted('after')]);
    await toB.waitFor(1, (event) => event.message.messageId === 'after');
    expect(toA.events.map((event) => event.message.messageId)).toEqual(['before']);
  });
});
