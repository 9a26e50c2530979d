import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import {
  SMS_DLR_RAW,
  SMS_MO_RAW,
  SMS_SENT,
  SMS_STATUS,
  type SmsMoRawEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import type { Database } from '@tuxhat/database';
import { AcknowledgementTimeoutError, Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { bumpConfigRevision, startConsumerService, systemClock } from '@tuxhat/runtime';
import { type TestPglite, TopicRecorder, createTestPglite, waitFor } from '@tuxhat/testing';

import { DlrConfig } from '../src/config/dlr-config';
import { DlrModule } from '../src/dlr.module';
import { WebhookReceiver } from './support/webhook-receiver';

// The first PGlite of a test run makes the migrated template (every migration, in WASM): about
// 30 s on a 2-core machine, over a minute when the machine is slow.
jest.setTimeout(180_000);

// All-in-one mode runs on embedded PGlite (PostgreSQL 18 in WASM) over the in-process bus:
// the same handlers and the same SQL (column arrays through unnest, ON CONFLICT) must work there.
describe('dlr in all-in-one mode on PGlite', () => {
  let embedded: TestPglite;
  let database: Database;
  let app: INestMicroservice;
  const broker = new InProcessBroker();
  const hook = new WebhookReceiver('pglite-secret');

  beforeAll(async () => {
    embedded = await createTestPglite('dlr-pglite');
    database = embedded.database;
    const url = await hook.start();
    await database.prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: 'acme', name: 'Acme' } });
      await tx.dlrPath.create({
        data: { id: 'hook', tenantId: 'acme', kind: 'webhook', url, statuses: ['delivered'] },
      });
      await tx.dlrWebhookSecret.create({ data: { tenantId: 'acme', secret: 'pglite-secret' } });
      await tx.moHandler.create({
        data: { id: 'mo', tenantId: 'acme', destination: '1234', kind: 'webhook', url },
      });
      await bumpConfigRevision(tx);
    });
    const runtime = {
      bus: Bus.create({ kind: 'in-process', broker }, new ConsoleLogger()),
      prisma: database.prisma,
      clock: systemClock,
    };
    app = await startConsumerService({
      name: 'dlr',
      module: DlrModule.forRoot(runtime),
      runtime,
      logger: new ConsoleLogger('dlr', { logLevels: ['error', 'warn'] }),
      shutdownHooks: false,
    });
    await app.get(DlrConfig).refresh();
  });

  /** A message routing handed to a carrier, as the dlr finds it when its sms.sent comes. */
  const routedMessage = (id: string, destination: string, parts: number) =>
    database.prisma.message.create({
      data: {
        id,
        tenantId: 'acme',
        destination,
        source: 'TuxHat',
        body: 'x',
        encoding: 'gsm7',
        parts,
        status: 'routed',
      },
    });

  afterAll(async () => {
    await app?.close();
    await hook.stop();
    await embedded?.drop();
  });

  it('correlates a two-part message, reports it to the signed webhook, and reassembles an MO', async () => {
    await routedMessage('m1', '+38267123456', 2);
    const statuses = new TopicRecorder(SMS_STATUS, broker);
    broker.publish([
      encodeEvent(SMS_SENT, {
        ...newEnvelope(),
        messageId: 'm1',
        tenantId: 'acme',
        carrierId: 'telco-a',
        routeId: 'default',
        parts: [
          { partIndex: 0, carrierMessageId: '0A1B' },
          { partIndex: 1, carrierMessageId: '0A1C' },
        ],
      }),
    ]);
    await statuses.waitFor(1, (event) => event.status === 'sent');
    const receipt = (id: string) =>
      encodeEvent(SMS_DLR_RAW, {
        ...newEnvelope(),
        carrierId: 'telco-a',
        carrierMessageId: id,
        state: 'delivered',
        rawState: 'DELIVRD',
        receivedAt: new Date().toISOString(),
      });
    broker.publish([receipt('2587'), receipt('2588')]); // decimal spellings of 0A1B and 0A1C
    await statuses.waitFor(1, (event) => event.status === 'delivered');
    await hook.waitUntil(() => hook.deliveredByEvent().size === 1, 'the status webhook');
    expect(hook.calls[0].signatureValid).toBe(true);
    expect(await database.prisma.dlrDeadline.count()).toBe(0);

    const part = (seq: number, text: string): SmsMoRawEvent => ({
      ...newEnvelope(),
      carrierId: 'telco-a',
      source: '+38267111222',
      destination: '1234',
      text,
      receivedAt: new Date().toISOString(),
      concat: { reference: 7, total: 2, seq },
    });
    broker.publish([
      encodeEvent(SMS_MO_RAW, part(2, 'world')),
      encodeEvent(SMS_MO_RAW, part(1, 'hello ')),
    ]);
    await hook.waitUntil(() => hook.deliveredByEvent().size === 2, 'the MO webhook');
    expect(JSON.parse(hook.calls.at(-1)!.body)).toMatchObject({
      text: 'hello world',
      keyword: 'HELLO',
    });
    await waitFor('the delivery rows', async () =>
      (await database.prisma.webhookDelivery.count({ where: { state: 'delivered' } })) === 2
        ? true
        : undefined,
    );
  });

  it('settles a durably published receipt only when the consumers of its final status are done', async () => {
    await routedMessage('m2', '+38267123457', 1);
    // A consumer group of sms.status in accounting's place: done when the test says.
    const accounting = new TopicRecorder(SMS_STATUS, broker, undefined, 'accounting');
    broker.publish([
      encodeEvent(SMS_SENT, {
        ...newEnvelope(),
        messageId: 'm2',
        tenantId: 'acme',
        carrierId: 'telco-a',
        routeId: 'default',
        parts: [{ partIndex: 0, carrierMessageId: 'B001' }],
      }),
    ]);
    await accounting.waitFor(1, (event) => event.messageId === 'm2' && event.status === 'sent');
    const receipt = () =>
      encodeEvent(SMS_DLR_RAW, {
        ...newEnvelope(),
        carrierId: 'telco-a',
        carrierMessageId: 'B001',
        state: 'delivered',
        rawState: 'DELIVRD',
        receivedAt: new Date().toISOString(),
      });
    const delivered = (event: { messageId: string; status: string }) =>
      event.messageId === 'm2' && event.status === 'delivered';

    // The connector's publish of a receipt (ReceiptIntake): while accounting holds the final
    // status, the receipt is not settled, here past its timeout (the carrier gets an error).
    await expect(broker.publishAcknowledged(receipt(), 300)).rejects.toThrow(
      AcknowledgementTimeoutError,
    );
    await accounting.waitFor(1, delivered);
    expect(accounting.letGo(delivered)).toBe(1);

    // The carrier's redelivery: the same status again (same event id), settled once let go.
    const redelivered = broker.publishAcknowledged(receipt(), 10_000);
    const [first, again] = await accounting.waitFor(2, delivered);
    expect(again.eventId).toBe(first.eventId);
    expect(accounting.letGo(delivered)).toBe(1);
    await redelivered;
    expect(await database.prisma.dlrDeadline.count({ where: { messageId: 'm2' } })).toBe(0);
  });
});
