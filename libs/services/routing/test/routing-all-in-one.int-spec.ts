import { type INestMicroservice, Logger } from '@nestjs/common';
import {
  CARRIER_HEALTH,
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_STATUS,
  newEnvelope,
  outboundTopicFor,
} from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService, systemClock } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, type TestDatabase, testMessage } from '@tuxhat/testing';

import { RoutingModule } from '../src/routing.module';

// All-in-one mode: the same module over the in-process bus, where the routing group's own
// handler reads carrier.health.v1 (there is one routing instance).
describe('routing service on the in-process bus', () => {
  let db: TestDatabase;
  let broker: InProcessBroker;
  let app: INestMicroservice;

  beforeAll(async () => {
    db = await createTestDatabase('routing_aio');
    const prisma = db.database.prisma;
    await prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await prisma.carrier.createMany({
      data: ['primary', 'backup'].map((id) => ({
        id,
        name: id,
        kind: 'smpp' as const,
        config: {},
      })),
    });
    await prisma.serverGroup.create({
      data: {
        id: 'main',
        name: 'main',
        strategy: 'failover',
        members: {
          create: [
            { carrierId: 'primary', position: 1 },
            { carrierId: 'backup', position: 2 },
          ],
        },
      },
    });
    await prisma.carrierPrice.create({
      data: { id: 'backup-all', carrierId: 'backup', prefix: '', priceMinor: 7, currency: 'EUR' },
    });
    await prisma.route.create({ data: { id: 'default', priority: 100, serverGroupId: 'main' } });

    broker = new InProcessBroker();
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, new Logger()),
      prisma,
      clock: systemClock,
    };
    app = await startConsumerService({
      name: 'routing',
      module: RoutingModule.forRoot(runtime),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
    });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const accepted = (messageId: string) =>
    encodeEvent(SMS_ACCEPTED, {
      ...newEnvelope(),
      message: testMessage({ messageId, text: 'hello' }),
      decision: 'policy default',
    });

  it('skips a carrier its connector reports unhealthy', async () => {
    const toPrimary = new TopicRecorder(SMS_OUTBOUND, broker, outboundTopicFor('primary'));
    const toBackup = new TopicRecorder(SMS_OUTBOUND, broker, outboundTopicFor('backup'));
    const statuses = new TopicRecorder(SMS_STATUS, broker);

    broker.publish([accepted('m-1')]);
    await toPrimary.waitFor(1, (event) => event.message.messageId === 'm-1');

    broker.publish([
      encodeEvent(CARRIER_HEALTH, {
        ...newEnvelope(),
        carrierId: 'primary',
        instanceId: 'connector-1',
        healthy: false,
        bindsUp: 0,
        bindsConfigured: 2,
        submitted: 0,
        errors: 0,
        throttled: 0,
        ttlMs: 30_000,
        detail: 'all binds down',
      }),
    ]);
    // Handled before the next message: in order of publication, and health first in a batch.
    broker.publish([accepted('m-2')]);
    const [rerouted] = await toBackup.waitFor(1, (event) => event.message.messageId === 'm-2');
    expect(rerouted.cost).toEqual({ minor: 7, currency: 'EUR' });
    const [routed] = await statuses.waitFor(1, (event) => event.messageId === 'm-2');
    expect(routed.detail).toContain('primary unhealthy down');
    expect(toPrimary.events.map((event) => event.message.messageId)).toEqual(['m-1']);
  });
});
