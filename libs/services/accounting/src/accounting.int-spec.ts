import { Logger } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import {
  ACCOUNTING_RECORDS,
  SMS_STATUS,
  type SmsStatusEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService, systemClock } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, waitFor, type TestDatabase } from '@tuxhat/testing';

import { AccountingModule } from './accounting.module';

describe('accounting service', () => {
  let db: TestDatabase;
  let broker: InProcessBroker;
  let runtime: ServiceRuntime;
  let app: INestMicroservice | null = null;

  const start = async () => {
    app = await startConsumerService({
      name: 'accounting',
      module: AccountingModule.forRoot(runtime, { currency: 'EUR' }),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase('accounting');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
  });

  beforeEach(() => {
    broker = new InProcessBroker();
    runtime = {
      bus: Bus.create({ kind: 'in-process', broker }, new Logger()),
      prisma: db.database.prisma,
      clock: systemClock,
    };
  });

  afterEach(async () => {
    await app?.close();
    app = null;
  });

  afterAll(async () => {
    await db.drop();
  });

  async function message(id: string): Promise<void> {
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'TuxHat',
        body: 'hello',
        encoding: 'gsm7',
        parts: 2,
        status: 'sent',
        carrierId: null,
        routeId: 'default',
      },
    });
  }

  const status = (
    messageId: string,
    value: SmsStatusEvent['status'],
    extra: Partial<SmsStatusEvent> = {},
  ): SmsStatusEvent => ({
    ...newEnvelope(),
    messageId,
    tenantId: 'acme',
    status: value,
    source: 'test',
    ...extra,
  });

  it('publishes one record per message when its state is final, however often the event is replayed', async () => {
    await message('m-final');
    await message('m-pending');
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();

    const delivered = status('m-final', 'delivered', { carrierId: 'telco-a' });
    broker.publish([
      encodeEvent(SMS_STATUS, status('m-final', 'sent')),
      encodeEvent(SMS_STATUS, status('m-pending', 'routed')),
      encodeEvent(SMS_STATUS, delivered),
      encodeEvent(SMS_STATUS, delivered), // replay
      encodeEvent(SMS_STATUS, status('m-final', 'failed')), // a later, contradicting final state
    ]);
    const [record] = await records.waitFor(1);
    expect(record).toMatchObject({
      messageId: 'm-final',
      tenantId: 'acme',
      destination: '+38267123456',
      carrierId: 'telco-a',
      routeId: 'default',
      parts: 2,
      encoding: 'gsm7',
      finalStatus: 'delivered',
      costMinor: 0,
      priceMinor: 0,
      currency: 'EUR',
    });
    const row = await waitFor('the record to be marked published', async () => {
      const found = await db.database.prisma.accountingRecord.findUnique({
        where: { messageId: 'm-final' },
      });
      return found?.publishedAt ? found : undefined;
    });
    expect(row.finalStatus).toBe('delivered');
    expect(
      await db.database.prisma.accountingRecord.count({ where: { messageId: 'm-pending' } }),
    ).toBe(0);

    // A late replay, then a marker: the in-process queue is ordered, so once the marker's record
    // is out the replay has been handled.
    await message('m-marker');
    broker.publish([
      encodeEvent(SMS_STATUS, delivered),
      encodeEvent(SMS_STATUS, status('m-marker', 'expired')),
    ]);
    await records.waitFor(1, (event) => event.messageId === 'm-marker');
    expect(records.events.filter((event) => event.messageId === 'm-final')).toHaveLength(1);
  });

  it('publishes at boot the records a crash left unpublished, with the same event id as before', async () => {
    await message('m-crashed');
    await db.database.prisma.accountingRecord.create({
      data: {
        messageId: 'm-crashed',
        tenantId: 'acme',
        parts: 2,
        encoding: 'gsm7',
        finalStatus: 'undeliverable',
        costMinor: 0,
        priceMinor: 0,
        currency: 'EUR',
        submittedAt: new Date('2026-11-01T10:00:00Z'),
        finalAt: new Date('2026-11-01T10:00:05Z'),
      },
    });
    const records = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();
    const [first] = await records.waitFor(1, (event) => event.messageId === 'm-crashed');
    expect(first).toMatchObject({
      finalStatus: 'undeliverable',
      finalAt: '2026-11-01T10:00:05.000Z',
    });

    await app!.close();
    app = null;
    await db.database.prisma.accountingRecord.update({
      where: { messageId: 'm-crashed' },
      data: { publishedAt: null },
    });
    const again = new TopicRecorder(ACCOUNTING_RECORDS, broker);
    await start();
    const [second] = await again.waitFor(1, (event) => event.messageId === 'm-crashed');
    // billing de-duplicates on the event id: a re-publication must carry the same one
    expect(second.eventId).toBe(first.eventId);
  });
});
