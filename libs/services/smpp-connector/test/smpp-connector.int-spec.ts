import { once } from 'node:events';

import type { INestMicroservice } from '@nestjs/common';
import { ConfigError } from '@tuxhat/config';
import { SMS_DLR_RAW, SMS_OUTBOUND, type SmsOutboundEvent } from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { systemClock } from '@tuxhat/runtime';
import { CommandStatus, DataCoding, EsmClass, MessageState, encodeGsm7 } from '@tuxhat/smpp';
import { SmscSimulator } from '@tuxhat/smsc-simulator';
import { TopicRecorder, createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { startSmppConnector } from '../src/start-smpp-connector';
import type { StartSmppConnectorOptions } from '../src/smpp-connector.options';
import {
  ACCOUNT,
  ConnectorFixture,
  type OutboundOverrides,
  type RunningConnector,
} from './support/connector-fixture';
import { RecordingLogger } from './support/recording-logger';
import { ScriptedSmsc } from './support/scripted-smsc';

/** Draws the simulator consumes per submit_sm: < 0.1 throttles, < 0.2 rejects, else accepts. */
const THROTTLE = 0.05;
const REJECT = 0.15;

describe('smpp-connector over TCP against the SMSC simulator', () => {
  let fixture: ConnectorFixture;
  let simulator: SmscSimulator;
  const draws: number[] = [];

  beforeAll(async () => {
    fixture = await ConnectorFixture.create('smpp_connector');
    simulator = new SmscSimulator({
      accounts: [ACCOUNT],
      deliveryDelayMs: 10,
      throttleRate: 0.1,
      errorRate: 0.1,
      errorStatus: CommandStatus.ESME_RINVDSTADR,
      random: () => draws.shift() ?? 0.99,
    });
    const { port } = await simulator.start();
    await fixture.seedCarrier('sim-a', port);
  });

  afterEach(async () => {
    draws.length = 0;
    await fixture.stopConnectors();
  });

  afterAll(async () => {
    await simulator?.stop();
    await fixture?.cleanup();
  });

  const startConnector = (options: Partial<StartSmppConnectorOptions> = {}) =>
    fixture.start({ carriers: ['sim-a'], ...options });
  const outbound = (text: string, overrides: OutboundOverrides = {}) =>
    fixture.outbound('sim-a', text, overrides);

  const submitsTo = (event: SmsOutboundEvent) =>
    simulator
      .received()
      .filter((record) => `+${record.destinationAddr}` === event.message.destination);

  it('submits the text in GSM-7, publishes sms.sent with the carrier id, then the receipt before answering it', async () => {
    const connector = await startConnector();
    const event = outbound('Your code is 4711');
    const timeline: string[] = [];
    connector.broker.subscribe(SMS_DLR_RAW.name, { enqueue: () => timeline.push('published') });
    const answered = new Promise<void>((resolve) => {
      const listener = (resp: { kind: string; messageId?: string }) => {
        if (
          resp.kind !== 'receipt' ||
          !submitsTo(event).some((submit) => submit.messageId === resp.messageId)
        )
          return;
        timeline.push('answered');
        simulator.off('deliverResp', listener);
        resolve();
      };
      simulator.on('deliverResp', listener);
    });

    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );

    const [submit] = submitsTo(event);
    expect(submitsTo(event)).toHaveLength(1);
    expect(submit).toMatchObject({
      text: 'Your code is 4711',
      dataCoding: DataCoding.SMSC_DEFAULT,
      sourceAddr: 'TuxHat',
      destinationAddr: event.message.destination.slice(1),
      registeredDelivery: 1,
      commandStatus: CommandStatus.ESME_ROK,
    });
    expect(sent).toMatchObject({
      tenantId: 'acme',
      carrierId: 'sim-a',
      routeId: 'default',
      parts: [{ partIndex: 0, carrierMessageId: submit.messageId }],
    });

    const [receipt] = await connector.receipts.waitFor(
      1,
      (item) => item.carrierMessageId === submit.messageId,
    );
    expect(receipt).toMatchObject({
      carrierId: 'sim-a',
      state: 'delivered',
      rawState: 'DELIVRD',
      errorCode: '000',
    });
    await answered;
    expect(timeline).toEqual(['published', 'answered']);
  });

  it('sends a long UCS-2 message as concatenated parts and reports every part id', async () => {
    const connector = await startConnector();
    const text =
      'Ваш платёж на сумму 1 250,00 € принят. Спасибо, что пользуетесь нашим банком! '.repeat(3);
    const event = outbound(text);
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );

    const submits = submitsTo(event);
    expect(submits.length).toBe(event.message.parts);
    expect(submits.length).toBeGreaterThan(1);
    const reference = submits[0].concat!.reference;
    submits.forEach((submit, index) => {
      expect(submit.dataCoding).toBe(DataCoding.UCS2);
      expect(submit.esmClass & EsmClass.UDHI).toBe(EsmClass.UDHI);
      expect(submit.concat).toEqual({ reference, total: submits.length, sequence: index + 1 });
    });
    expect(submits.map((submit) => submit.text).join('')).toBe(text);
    expect(sent.parts).toEqual(
      submits.map((submit, partIndex) => ({ partIndex, carrierMessageId: submit.messageId })),
    );
  });

  it('fails the message with the SMPP code when the carrier rejects it', async () => {
    const connector = await startConnector();
    const event = outbound('To a number the carrier does not know');
    draws.push(REJECT);
    connector.publish(event);
    const [failed] = await connector.statuses.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    expect(failed).toEqual(
      expect.objectContaining({
        status: 'failed',
        errorCode: '0x0000000B',
        detail: 'carrier rejected submit_sm: ESME_RINVDSTADR (0x0000000B)',
        source: 'smpp-connector',
        carrierId: 'sim-a',
        routeId: 'default',
      }),
    );
    await connector.transport.idle();
    expect(
      connector.sent.events.filter((item) => item.messageId === event.message.messageId),
    ).toHaveLength(0);
  });

  it('backs off a throttled submit and sends it again to the same carrier, not elsewhere', async () => {
    const connector = await startConnector();
    const event = outbound('Throttled first');
    draws.push(THROTTLE);
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const submits = submitsTo(event);
    expect(submits.map((submit) => submit.commandStatus)).toEqual([
      CommandStatus.ESME_RTHROTTLED,
      CommandStatus.ESME_ROK,
    ]);
    // The bind rested (throttleBackoff 20 ms, jittered down to half at most) before the resend.
    expect(
      submits[1].receivedAt.getTime() - submits[0].receivedAt.getTime(),
    ).toBeGreaterThanOrEqual(9);
    expect(sent.parts).toEqual([{ partIndex: 0, carrierMessageId: submits[1].messageId }]);
    await connector.transport.idle();
    const mine = (item: { messageId?: string; message?: { messageId: string } }) =>
      (item.messageId ?? item.message?.messageId) === event.message.messageId;
    expect(connector.statuses.events.filter(mine)).toHaveLength(0);
    expect(connector.reroutes.events.filter(mine)).toHaveLength(0);
  });

  it('resends only the part that was throttled when the others were accepted', async () => {
    const connector = await startConnector();
    const event = outbound('Part one, part two and part three of a long GSM message. '.repeat(7));
    expect(event.message.parts).toBe(3);
    draws.push(0.99, THROTTLE, 0.99);
    connector.publish(event);
    const [sent] = await connector.sent.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    const accepted = submitsTo(event).filter(
      (submit) => submit.commandStatus === CommandStatus.ESME_ROK,
    );
    expect(submitsTo(event)).toHaveLength(4);
    expect(accepted.map((submit) => submit.concat!.sequence).sort()).toEqual([1, 2, 3]);
    expect(sent.parts).toEqual(
      [...accepted]
        .sort((a, b) => a.concat!.sequence - b.concat!.sequence)
        .map((submit, partIndex) => ({ partIndex, carrierMessageId: submit.messageId })),
    );
  });

  it('skips a replayed outbound event: the carrier gets the message once', async () => {
    const connector = await startConnector();
    const event = outbound('Only once, please');
    connector.publish(event);
    await connector.sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    connector.publish(event);
    await connector.transport.idle();
    expect(submitsTo(event)).toHaveLength(1);
    expect(
      connector.sent.events.filter((item) => item.messageId === event.message.messageId),
    ).toHaveLength(1);
  });

  it('skips messages the database says already reached a carrier (after a restart)', async () => {
    // Accepted before this connector started: in all-in-one mode the guard asks the database
    // only about those (and about later attempts).
    const message = { acceptedAt: new Date().toISOString() };
    const withIds = outbound('Already sent, ids recorded', { message });
    const delivered = outbound('Already delivered', { message });
    const fresh = outbound('Never sent before', { message });
    const connector = await startConnector();
    for (const [event, status] of [
      [withIds, 'routed'],
      [delivered, 'delivered'],
      [fresh, 'routed'],
    ] as const) {
      await fixture.db.database.prisma.message.create({
        data: {
          id: event.message.messageId,
          tenantId: 'acme',
          destination: event.message.destination,
          source: event.message.source,
          body: event.message.text,
          encoding: event.message.encoding,
          parts: event.message.parts,
          status,
        },
      });
    }
    // What the dlr service stores for a part a carrier accepted (its sms.sent).
    await fixture.db.database.prisma.dlrCarrierKey.create({
      data: {
        carrierId: 'sim-a',
        lookupKey: 't:abc123',
        messageId: withIds.message.messageId,
        tenantId: 'acme',
        partIndex: 0,
        partCount: 1,
        carrierMessageId: 'abc123',
        routeId: 'default',
      },
    });
    connector.broker.publish(
      [withIds, delivered, fresh].map((event) => encodeEvent(SMS_OUTBOUND, event)),
    );
    await connector.sent.waitFor(1, (item) => item.messageId === fresh.message.messageId);
    await connector.transport.idle();
    expect(submitsTo(withIds)).toHaveLength(0);
    expect(submitsTo(delivered)).toHaveLength(0);
    expect(submitsTo(fresh)).toHaveLength(1);
  });

  it('publishes an MO, and each part of a long MO with its numbering for the dlr service', async () => {
    const connector = await startConnector();
    const short = await simulator.injectMo({ from: '+38267111222', to: '1234', text: 'BAL' });
    expect(short.commandStatuses).toEqual([CommandStatus.ESME_ROK]);
    const [mo] = await connector.mos.waitFor(1, (item) => item.text === 'BAL');
    expect(mo).toMatchObject({ carrierId: 'sim-a', source: '+38267111222', destination: '1234' });
    expect(mo.concat).toBeUndefined();

    for (const [from, concatenation] of [
      ['+38267111223', 'udh8'],
      ['+38267111224', 'udh16'],
      ['+38267111225', 'sar'],
    ] as const) {
      const longText =
        `STOP all marketing messages from this sender (${concatenation}), and confirm by SMS. `.repeat(
          3,
        );
      const long = await simulator.injectMo({ from, to: '1234', text: longText, concatenation });
      expect(long.parts).toBe(2);
      // Each part was answered only after it was on the bus.
      expect(long.commandStatuses).toEqual([CommandStatus.ESME_ROK, CommandStatus.ESME_ROK]);
      const parts = await connector.mos.waitFor(2, (item) => item.source === from);
      expect(parts.map((part) => part.concat?.seq)).toEqual([1, 2]);
      expect(new Set(parts.map((part) => part.concat?.reference)).size).toBe(1);
      expect(parts.every((part) => part.concat?.total === 2)).toBe(true);
      expect(parts.map((part) => part.text).join('')).toBe(longText);
    }
  });

  describe('on the in-process bus of all-in-one mode', () => {
    const stopListening: (() => void)[] = [];

    afterEach(() => {
      for (const stop of stopListening.splice(0)) stop();
    });

    /** The command_status of each deliver_sm_resp for the receipt of `event`'s submit. */
    function answersToReceiptOf(event: SmsOutboundEvent) {
      const statuses: number[] = [];
      const waiters: { count: number; resolve: () => void }[] = [];
      const listener = (resp: { kind: string; messageId?: string; commandStatus: number }) => {
        const [submit] = submitsTo(event);
        if (resp.kind !== 'receipt' || !submit || submit.messageId !== resp.messageId) return;
        statuses.push(resp.commandStatus);
        for (const waiter of waiters.filter((item) => item.count <= statuses.length)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      };
      simulator.on('deliverResp', listener);
      stopListening.push(() => simulator.off('deliverResp', listener));
      return {
        statuses,
        /** The first `count` answers, once there are that many. */
        async first(count: number): Promise<number[]> {
          if (statuses.length < count) {
            await new Promise<void>((resolve) => waiters.push({ count, resolve }));
          }
          return statuses.slice(0, count);
        },
      };
    }

    /** The carrier's id for `event`'s message (its receipts carry it). */
    async function carrierIdOf(
      connector: RunningConnector,
      event: SmsOutboundEvent,
    ): Promise<string> {
      const [sent] = await connector.sent.waitFor(
        1,
        (item) => item.messageId === event.message.messageId,
      );
      return sent.parts[0].carrierMessageId;
    }

    // Receipts are told apart by carrier id: the simulator redelivers one a test's connector
    // did not answer to the next test's bind.
    it('answers a receipt only once its consumers are done with it', async () => {
      const connector = await startConnector();
      // The receipts' consumer group, in the dlr service's place: it is done when the test says.
      const consumer = new TopicRecorder(SMS_DLR_RAW, connector.broker, undefined, 'dlr');
      const event = outbound('Answered once stored');
      const answers = answersToReceiptOf(event);

      connector.publish(event);
      const id = await carrierIdOf(connector, event);
      await consumer.waitFor(1, (receipt) => receipt.carrierMessageId === id);
      // A round trip on the same bind after it: an answer sent at publish would be in by now.
      const later = outbound('A later message on the same bind');
      const laterAnswers = answersToReceiptOf(later);
      connector.publish(later);
      const laterId = await carrierIdOf(connector, later);
      expect(answers.statuses).toEqual([]);

      expect(consumer.letGo((receipt) => receipt.carrierMessageId === id)).toBe(1);
      expect(await answers.first(1)).toEqual([CommandStatus.ESME_ROK]);
      // Nothing left owed to the next test: the later receipt is let go and answered too.
      await consumer.waitFor(1, (receipt) => receipt.carrierMessageId === laterId);
      consumer.letGo((receipt) => receipt.carrierMessageId === laterId);
      expect(await laterAnswers.first(1)).toEqual([CommandStatus.ESME_ROK]);
    });

    it('answers ESME_RX_T_APPN when they are not done in time; a redelivery adds no second copy', async () => {
      const connector = await fixture.start(
        { carriers: ['sim-a'] },
        { acknowledgementTimeoutMs: 1_000 },
      );
      const consumer = new TopicRecorder(SMS_DLR_RAW, connector.broker, undefined, 'dlr');
      const event = outbound('Redelivered until stored');
      const answers = answersToReceiptOf(event);

      connector.publish(event);
      const id = await carrierIdOf(connector, event);
      const ofThisMessage = (receipt: { carrierMessageId: string }) =>
        receipt.carrierMessageId === id;
      // The first copy is held past the timeout, and still held when the SMSC's redelivery
      // times out too: that one waited for the copy the consumer has instead of adding one.
      expect(await answers.first(2)).toEqual([
        CommandStatus.ESME_RX_T_APPN,
        CommandStatus.ESME_RX_T_APPN,
      ]);
      expect(consumer.events.filter(ofThisMessage)).toHaveLength(1);

      // Once the consumer is done with it, the next redelivery is a receipt of its own again.
      consumer.letGo(ofThisMessage);
      await consumer.waitFor(2, ofThisMessage);
      consumer.letGo(ofThisMessage);
      expect(await answers.first(3)).toEqual([
        CommandStatus.ESME_RX_T_APPN,
        CommandStatus.ESME_RX_T_APPN,
        CommandStatus.ESME_ROK,
      ]);
    });
  });

  it('shuts down gracefully: the submit in flight gets its response and sms.sent, then the bind is unbound', async () => {
    const connector = await startConnector();
    const event = outbound('In flight at shutdown');
    simulator.pauseResponses();
    const submitted = once(simulator, 'submit');
    connector.publish(event);
    await submitted;
    const unbind = once(simulator, 'unbind');
    const closing = connector.close();
    simulator.resumeResponses();
    await closing;
    await unbind;
    expect(
      connector.sent.events.filter((item) => item.messageId === event.message.messageId),
    ).toHaveLength(1);
  });

  it('hands a message back to routing when its carrier has no bind up (never sent there)', async () => {
    const down = new SmscSimulator({ accounts: [ACCOUNT], deliveryDelayMs: 10 });
    const { port } = await down.start();
    await down.stop();
    await fixture.seedCarrier('sim-down', port);
    const connector = await startConnector({ carriers: ['sim-down'], bootWaitMs: 200 });
    const event = fixture.outbound('sim-down', 'Carrier is down', {
      attempt: 2,
      triedCarriers: ['other'],
    });
    connector.publish(event);
    const [reroute] = await connector.reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
    expect(reroute).toMatchObject({
      carrierId: 'sim-down',
      routeId: 'default',
      attempt: 2,
      triedCarriers: ['other', 'sim-down'],
      errorCode: 'SMPP_NOT_BOUND',
      source: 'smpp-connector',
    });
    expect(reroute.message).toEqual(event.message);
    expect(connector.statuses.events).toHaveLength(0);
  });

  it('consumes only the outbound topics of the carriers it holds, and refuses unknown ones', async () => {
    await fixture.seedCarrier('sim-off', 1, {}, false);
    const connector = await startConnector({ carriers: 'all', bootWaitMs: 500 });
    expect(connector.logger.entries.map((entry) => entry.message)).toContainEqual(
      expect.stringMatching(/holds .*sim-a.*; disabled, not bound: sim-off$/),
    );
    await expect(startConnector({ carriers: ['sim-a', 'nope'] })).rejects.toThrow(ConfigError);
  });
});

describe('smpp-connector receipt intake against a misbehaving SMSC', () => {
  let db: TestDatabase;
  let smsc: ScriptedSmsc;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('smpp_connector_receipts');
    smsc = new ScriptedSmsc();
    const port = await smsc.start();
    await db.database.prisma.carrier.create({
      data: {
        id: 'scripted',
        name: 'Scripted SMSC',
        kind: 'smpp',
        config: {
          smpp: {
            host: '127.0.0.1',
            port,
            systemId: 'tuxhat',
            password: 'pw',
            responseTimeoutMs: 2_000,
          },
        },
      },
    });
  });

  afterAll(async () => {
    await app?.close();
    await smsc?.stop();
    await db?.drop();
  });

  it('answers a malformed receipt without publishing it and keeps the session for the next one', async () => {
    const broker = new InProcessBroker();
    const logger = new RecordingLogger();
    const receipts = new TopicRecorder(SMS_DLR_RAW, broker);
    app = await startSmppConnector(
      {
        bus: Bus.create({ kind: 'in-process', broker }, logger),
        prisma: db.database.prisma,
        clock: systemClock,
      },
      { carriers: ['scripted'], logger, shutdownHooks: false, closeTimeoutMs: 1_000 },
    );
    await smsc.whenBound();

    const receipt = (
      shortMessage: Buffer,
      tlvs: { receiptedMessageId?: string; messageState?: number } = {},
    ) => ({
      sourceAddr: '38267123456',
      destinationAddr: 'TuxHat',
      esmClass: EsmClass.MC_DELIVERY_RECEIPT,
      dataCoding: 0,
      shortMessage,
      ...tlvs,
    });

    // esm_class says receipt, but neither TLVs nor text name a message.
    expect(await smsc.deliver(receipt(encodeGsm7('this is no receipt at all')))).toBe(
      CommandStatus.ESME_ROK,
    );
    // Readable, but the id is longer than any carrier id the contract allows.
    expect(
      await smsc.deliver(
        receipt(Buffer.alloc(0), {
          receiptedMessageId: 'x'.repeat(70),
          messageState: MessageState.DELIVERED,
        }),
      ),
    ).toBe(CommandStatus.ESME_ROK);
    // Binary noise with the receipt bit set.
    expect(await smsc.deliver(receipt(Buffer.from([0xff, 0x00, 0x13, 0x37])))).toBe(
      CommandStatus.ESME_ROK,
    );

    const good =
      'id:0A1B2C sub:001 dlvrd:001 submit date:2611251000 done date:2611251001 stat:UNDELIV err:001 text:';
    expect(await smsc.deliver(receipt(encodeGsm7(good)))).toBe(CommandStatus.ESME_ROK);
    const [event] = await receipts.waitFor(1);
    expect(event).toMatchObject({
      carrierId: 'scripted',
      carrierMessageId: '0A1B2C',
      state: 'undeliverable',
      rawState: 'UNDELIV',
      errorCode: '001',
    });
    expect(receipts.events).toHaveLength(1);
    expect(logger.entries.filter((entry) => /receipt.*dropped/.test(entry.message))).toHaveLength(
      3,
    );
  });
});
