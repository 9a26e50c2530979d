import { randomBytes } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import {
  SMS_DLR_RAW,
  SMS_OUTBOUND,
  SMS_SENT,
  SMS_STATUS,
  type SmsOutboundEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import { DlrModule } from '@tuxhat/dlr';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService, systemClock } from '@tuxhat/runtime';
import { splitMessage } from '@tuxhat/smpp';
import { startSmppConnector } from '@tuxhat/smpp-connector';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { TopicRecorder, type TestDatabase, createTestDatabase, testMessage } from '@tuxhat/testing';

jest.setTimeout(120_000);

const PASSWORD_ENV = 'DLR_TEST_SMPP_PASSWORD';
const ACCOUNT = { systemId: 'tuxhat-dlr', password: randomBytes(4).toString('hex') };

// Receipts from a real SMPP peer (the SMSC simulator over TCP) through the real smpp-connector
// to the dlr service, as the all-in-one gateway runs them: hex message ids, every receipt sent
// before its submit_sm_resp, submissions on a transmitter bind and receipts on a receiver bind,
// and a three-part message whose parts are receipted one by one.
describe('dlr with the SMPP connector and the SMSC simulator', () => {
  let db: TestDatabase;
  let simulator: SmscSimulator;
  const broker = new InProcessBroker();
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    process.env[PASSWORD_ENV] = ACCOUNT.password;
    db = await createTestDatabase('dlr_carrier');
    simulator = new SmscSimulator({
      accounts: [ACCOUNT],
      messageIdFormat: 'hex',
      receiptBeforeResponse: true,
      responseDelayMs: 30,
      deliveryDelayMs: 5,
    });
    const { port } = await simulator.start();
    const prisma = db.database.prisma;
    await prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    await prisma.carrier.create({
      data: {
        id: 'sim',
        name: 'Simulator',
        kind: 'smpp',
        config: {
          smpp: {
            host: '127.0.0.1',
            port,
            systemId: ACCOUNT.systemId,
            password: { env: PASSWORD_ENV },
            binds: [
              { mode: 'transmitter', count: 1 },
              { mode: 'receiver', count: 1 },
            ],
            windowSize: 10,
          },
        },
      },
    });
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, new ConsoleLogger()),
      prisma,
      clock: systemClock,
    };
    const logger = new ConsoleLogger('test', { logLevels: ['error'] });
    apps.push(
      await startConsumerService({
        name: 'dlr',
        module: DlrModule.forRoot(runtime),
        runtime,
        logger,
        shutdownHooks: false,
        retryPolicy: { maxAttempts: 20, backoffMs: [50, 100, 200] },
      }),
    );
    apps.push(await startSmppConnector(runtime, { carriers: 'all', logger, shutdownHooks: false }));
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await simulator?.stop();
    await db?.drop();
  });

  async function send(id: string, text: string): Promise<SmsOutboundEvent> {
    const parts = splitMessage(text).parts.length;
    const encoding = /^[\x20-\x7e]*$/.test(text) ? 'gsm7' : 'ucs2';
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'TuxHat',
        body: text,
        encoding,
        parts,
        status: 'routed',
      },
    });
    const event: SmsOutboundEvent = {
      ...newEnvelope(),
      message: testMessage({ messageId: id, source: 'TuxHat', text, encoding, parts }),
      carrierId: 'sim',
      routeId: 'default',
      attempt: 1,
    };
    broker.publish([encodeEvent(SMS_OUTBOUND, event)]);
    return event;
  }

  it('delivers single and multipart messages whose receipts overtook their responses', async () => {
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    const receipts = new TopicRecorder(SMS_DLR_RAW, broker);
    const sent = new TopicRecorder(SMS_SENT, broker);
    await send('carrier-single', 'Your code is 4711');
    await send(
      'carrier-long',
      'Ваш платёж принят. Спасибо, что пользуетесь нашим банком! '.repeat(3),
    );

    const [single] = await statuses.waitFor(
      1,
      (event) => event.messageId === 'carrier-single' && event.status === 'delivered',
    );
    expect(single).toMatchObject({ carrierId: 'sim', source: 'dlr' });
    const [long] = await statuses.waitFor(
      1,
      (event) => event.messageId === 'carrier-long' && event.status === 'delivered',
    );
    expect(long.detail).toContain('all 3 parts DELIVRD');

    const prisma = db.database.prisma;
    const parts = await prisma.dlrPartReceipt.findMany({
      where: { messageId: 'carrier-long' },
      orderBy: { partIndex: 'asc' },
    });
    expect(parts.map((part) => [part.partIndex, part.state])).toEqual([
      [0, 'delivered'],
      [1, 'delivered'],
      [2, 'delivered'],
    ]);
    // The simulator's ids are hex, and the receipt was on the bus before the carrier id was.
    const keys = await prisma.dlrCarrierKey.findMany({ where: { messageId: 'carrier-single' } });
    const carrierId = keys[0].carrierMessageId;
    expect(carrierId).toMatch(/^[0-9A-F]+$/);
    const offsetOf = (records: readonly { offset: string }[]) => BigInt(records[0].offset);
    const receiptRecords = receipts.records.filter(
      (_record, index) => receipts.events[index].carrierMessageId === carrierId,
    );
    const sentRecords = sent.records.filter(
      (_record, index) => sent.events[index].messageId === 'carrier-single',
    );
    expect(offsetOf(receiptRecords)).toBeLessThan(offsetOf(sentRecords));
    expect(
      statuses.events
        .filter((event) => event.messageId === 'carrier-single')
        .map((event) => event.status),
    ).toContain('sent');
  });
});
