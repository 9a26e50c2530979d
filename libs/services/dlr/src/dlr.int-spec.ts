import { Logger, type INestMicroservice } from '@nestjs/common';
import {
  DEAD_LETTER,
  SMS_DLR_RAW,
  SMS_SENT,
  SMS_STATUS,
  type SmsDlrRawEvent,
  type SmsSentEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, startConsumerService, systemClock } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { DlrModule } from './dlr.module';

describe('dlr service', () => {
  let db: TestDatabase;
  let broker: InProcessBroker;
  let app: INestMicroservice;

  beforeAll(async () => {
    db = await createTestDatabase('dlr');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
  });

  beforeEach(async () => {
    broker = new InProcessBroker();
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, new Logger()),
      prisma: db.database.prisma,
      clock: systemClock,
    };
    app = await startConsumerService({
      name: 'dlr',
      module: DlrModule.forRoot(runtime),
      runtime,
      logger: new Logger(),
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 4, backoffMs: [50] },
    });
  });

  afterEach(async () => {
    await app.close();
  });

  afterAll(async () => {
    await db.drop();
  });

  async function message(id: string, parts = 1): Promise<void> {
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'TuxHat',
        body: 'x',
        encoding: 'gsm7',
        parts,
        status: 'routed',
      },
    });
  }

  const sent = (messageId: string, carrierMessageId: string): SmsSentEvent => ({
    ...newEnvelope(),
    messageId,
    tenantId: 'acme',
    carrierId: 'telco-a',
    routeId: 'default',
    parts: [{ partIndex: 0, carrierMessageId }],
  });

  const receipt = (
    carrierMessageId: string,
    state: SmsDlrRawEvent['state'] = 'delivered',
  ): SmsDlrRawEvent => ({
    ...newEnvelope(),
    carrierId: 'telco-a',
    carrierMessageId,
    state,
    rawState: state === 'delivered' ? 'DELIVRD' : 'UNDELIV',
    errorCode: state === 'delivered' ? '000' : '001',
    receivedAt: new Date().toISOString(),
  });

  it('marks the message sent with the carrier ids, then final from the receipt', async () => {
    await message('m1');
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    broker.publish([encodeEvent(SMS_SENT, sent('m1', 'AB12'))]);
    await statuses.waitFor(1, (event) => event.messageId === 'm1' && event.status === 'sent');
    broker.publish([encodeEvent(SMS_DLR_RAW, receipt('ab12', 'undeliverable'))]); // the carrier changed the case
    const [final] = await statuses.waitFor(
      1,
      (event) => event.messageId === 'm1' && event.status === 'undeliverable',
    );
    expect(final).toMatchObject({
      tenantId: 'acme',
      carrierId: 'telco-a',
      errorCode: '001',
      source: 'dlr',
    });
    expect(final.detail).toContain('UNDELIV');
  });

  it('matches a receipt that arrived before the submit_sm_resp once the carrier id is recorded', async () => {
    await message('m2');
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    broker.publish([encodeEvent(SMS_DLR_RAW, receipt('cd34'))]);
    broker.publish([encodeEvent(SMS_SENT, sent('m2', 'cd34'))]);
    const [delivered] = await statuses.waitFor(
      1,
      (event) => event.messageId === 'm2' && event.status === 'delivered',
    );
    expect(delivered.carrierId).toBe('telco-a');
  });

  it('gives a replayed receipt the same status event id, so the history records it once', async () => {
    await message('m3');
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    broker.publish([encodeEvent(SMS_SENT, sent('m3', 'ef56'))]);
    await statuses.waitFor(1, (event) => event.messageId === 'm3' && event.status === 'sent');
    const once = receipt('ef56');
    broker.publish([encodeEvent(SMS_DLR_RAW, once), encodeEvent(SMS_DLR_RAW, once)]);
    const finals = await statuses.waitFor(
      2,
      (event) => event.messageId === 'm3' && event.status === 'delivered',
    );
    expect(new Set(finals.map((event) => event.eventId)).size).toBe(1);
  });

  it('dead-letters a receipt that never matches, with the reason', async () => {
    const deadLetters = new TopicRecorder(DEAD_LETTER, broker);
    broker.publish([encodeEvent(SMS_DLR_RAW, receipt('never-sent'))]);
    const [deadLetter] = await deadLetters.waitFor(1);
    expect(deadLetter).toMatchObject({
      originalTopic: SMS_DLR_RAW.name,
      consumerGroup: 'dlr',
      attempts: 4,
    });
    expect(deadLetter.reason).toContain('no message for carrier telco-a id never-sent');
  });
});
