import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import {
  SMS_ACCEPTED,
  SMS_MO_RAW,
  SMS_STATUS,
  SMS_SUBMITTED,
  type MessageFields,
  newEnvelope,
} from '@tuxhat/contracts';
import { DlrConfig, DlrModule } from '@tuxhat/dlr';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { PolicyModule } from '@tuxhat/policy';
import {
  type ServiceRuntime,
  bumpConfigRevision,
  startConsumerService,
  systemClock,
} from '@tuxhat/runtime';
import {
  TopicRecorder,
  type TestDatabase,
  createTestDatabase,
  testMessage,
  waitFor,
} from '@tuxhat/testing';

jest.setTimeout(120_000);

// The opt-out journey across services, as the all-in-one gateway runs them (in-process bus,
// PostgreSQL): STOP to a short code puts the sender on the tenant's suppression list (dlr), and
// the tenant's next message to that number is refused by policy. The confirmation goes out.
describe('STOP then a blocked send (dlr + policy)', () => {
  let db: TestDatabase;
  const broker = new InProcessBroker();
  const apps: INestMicroservice[] = [];
  const tenant = 'acme-stop';

  beforeAll(async () => {
    db = await createTestDatabase('dlr_stop');
    const prisma = db.database.prisma;
    await prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: tenant, name: 'Acme' } });
      await tx.moHandler.create({
        data: { id: 'acme-1234', tenantId: tenant, destination: '1234', kind: 'kafka' },
      });
      await bumpConfigRevision(tx);
    });
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, new ConsoleLogger()),
      prisma,
      clock: systemClock,
    };
    const logger = new ConsoleLogger('test', { logLevels: ['error', 'warn'] });
    for (const [name, module] of [
      ['dlr', DlrModule.forRoot(runtime, { configPollMs: 100 })],
      ['policy', PolicyModule.forRoot(runtime)],
    ] as const) {
      apps.push(
        await startConsumerService({ name, module, runtime, logger, shutdownHooks: false }),
      );
    }
    await apps[0].get(DlrConfig).refresh();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await db?.drop();
  });

  async function submit(destination: string): Promise<MessageFields> {
    const now = new Date();
    const message = testMessage({
      messageId: `msg-stop-${destination.slice(-4)}-${now.getTime()}`,
      tenantId: tenant,
      destination,
      text: 'Spring sale: 20% off',
      acceptedAt: now.toISOString(),
    });
    // As ingress does: the row first, then the event.
    await db.database.prisma.message.create({
      data: {
        id: message.messageId,
        tenantId: tenant,
        destination,
        source: message.source,
        body: message.text,
        encoding: 'gsm7',
        parts: 1,
        status: 'accepted',
      },
    });
    broker.publish([encodeEvent(SMS_SUBMITTED, { ...newEnvelope(now), message })]);
    return message;
  }

  it('suppresses the sender on STOP, confirms, and policy then refuses a send to it', async () => {
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    const accepted = new TopicRecorder(SMS_ACCEPTED, broker);
    broker.publish([
      encodeEvent(SMS_MO_RAW, {
        ...newEnvelope(),
        carrierId: 'telco-a',
        source: '+38267000111',
        destination: '1234',
        text: 'STOP',
        receivedAt: new Date().toISOString(),
      }),
    ]);

    const [confirmation] = await accepted.waitFor(
      1,
      (event) => event.message.destination === '+38267000111',
    );
    expect(confirmation.message).toMatchObject({ tenantId: tenant, source: '1234' });
    await waitFor(
      'the suppression row',
      async () =>
        (await db.database.prisma.suppression.findUnique({
          where: { tenantId_number: { tenantId: tenant, number: '+38267000111' } },
        })) ?? undefined,
    );

    const blocked = await submit('+38267000111');
    const allowed = await submit('+38267000222');
    const [rejected] = await statuses.waitFor(
      1,
      (event) => event.messageId === blocked.messageId && event.status === 'rejected',
    );
    expect(rejected.source).toBe('policy');
    expect(rejected.detail).toContain('suppress');
    await accepted.waitFor(1, (event) => event.message.messageId === allowed.messageId);
    expect(accepted.events.some((event) => event.message.messageId === blocked.messageId)).toBe(
      false,
    );
  });
});
