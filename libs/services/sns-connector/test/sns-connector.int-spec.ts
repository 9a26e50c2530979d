import { randomInt, randomUUID } from 'node:crypto';

import type { INestMicroservice, LoggerService } from '@nestjs/common';
import {
  CARRIER_HEALTH,
  SMS_DLR_RAW,
  SMS_MO_RAW,
  SMS_OUTBOUND,
  SMS_SENT,
  SMS_REROUTE,
  SMS_STATUS,
  type PriorityClass,
  type SmsOutboundEvent,
  newEnvelope,
  topicForPhysicalName,
} from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { Bus, InProcessBroker, type InProcessTransport, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, bumpConfigRevision, systemClock } from '@tuxhat/runtime';
import {
  type AwsDeliveryStatus,
  DeliveryStatusLogs,
  InboundQueue,
  MotoServer,
  type TestDatabase,
  TopicRecorder,
  createTestDatabase,
  awsInboundSms,
  messageAttributesOf,
  testMessage,
  waitFor,
} from '@tuxhat/testing';

import { startSnsConnector } from '../src/start-sns-connector';
import { ScriptedSns } from './support/scripted-sns';

const KEY_ENV = 'SNS_CONNECTOR_TEST_KEY_ID';

/** What the connector logged, for tests that wait for a line. */
const logged: string[] = [];

/** Quiet unless LOG_LEVEL=debug. */
const logger: LoggerService = {
  log: (message: unknown) => debugLog('log', message),
  warn: (message: unknown) => debugLog('warn', message),
  error: (message: unknown) => debugLog('error', message),
};

function debugLog(level: string, message: unknown): void {
  logged.push(String(message));
  if (process.env.LOG_LEVEL === 'debug') process.stderr.write(`[${level}] ${String(message)}\n`);
}

describe('sns-connector over HTTP', () => {
  const moto = MotoServer.fromEnv();
  const scripted = new ScriptedSns();
  let db: TestDatabase;
  let app: INestMicroservice;
  let broker: InProcessBroker;
  let transport: InProcessTransport;
  let sent: TopicRecorder<typeof SMS_SENT>;
  let statuses: TopicRecorder<typeof SMS_STATUS>;
  let health: TopicRecorder<typeof CARRIER_HEALTH>;
  let reroutes: TopicRecorder<typeof SMS_REROUTE>;
  let moRaw: TopicRecorder<typeof SMS_MO_RAW>;
  let receipts: TopicRecorder<typeof SMS_DLR_RAW>;
  let inbound: InboundQueue;
  let statusLogs: DeliveryStatusLogs;

  beforeAll(async () => {
    process.env[KEY_ENV] = 'AKIATESTTESTTEST';
    await moto.waitUntilUp();
    await moto.startRecording();
    const scriptedEndpoint = await scripted.start();
    db = await createTestDatabase('sns_connector');
    inbound = await InboundQueue.create(moto.endpoint, `tuxhat-inbound-${randomUUID()}`);
    statusLogs = new DeliveryStatusLogs(moto.endpoint);
    const credentials = { accessKeyId: { env: KEY_ENV }, secretAccessKey: 'test-secret' };
    await db.database.prisma.carrier.createMany({
      data: [
        {
          id: 'aws-moto',
          name: 'SNS (moto)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              senderId: 'TuxHat',
              smsType: 'Promotional',
              ...credentials,
            },
          },
        },
        {
          id: 'aws-scripted',
          name: 'SNS (scripted)',
          kind: 'sns',
          config: { sns: { region: 'eu-west-1', endpoint: scriptedEndpoint, ...credentials } },
        },
        {
          // No fixed SMSType: by class of service. An origination number and a price cap.
          id: 'aws-by-class',
          name: 'SNS (moto, by class of service)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              originationNumber: '+18005550199',
              maxPrice: 0.25,
              ...credentials,
            },
          },
        },
        {
          id: 'aws-changing',
          name: 'SNS (moto, changed while running)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              senderId: 'Before',
              ...credentials,
            },
          },
        },
        {
          // One publish per second until the test raises it.
          id: 'aws-slow',
          name: 'SNS (scripted, a low limit raised while running)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: scriptedEndpoint,
              account: 'slow',
              maxPerSecond: 1,
              ...credentials,
            },
          },
        },
        {
          // A two-way number: its inbound SMS come through the SQS queue (short polls: the
          // pod's shutdown does not wait for a 20 s one).
          id: 'aws-two-way',
          name: 'SNS (moto, two-way)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              ...credentials,
              inbound: { queueUrl: inbound.queueUrl, waitSeconds: 1 },
            },
          },
        },
        {
          // Added through the admin API while an earlier pod ran, its key variable not set in
          // this one: the pod boots all the same, without it.
          id: 'aws-locked',
          name: 'SNS (moto, key variable missing at boot)',
          kind: 'sns',
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              accessKeyId: { env: 'TUXHAT_NOT_SET_ANYWHERE' },
              secretAccessKey: 'test-secret',
            },
          },
        },
        // Two carriers on one AWS account whose SMS delivery status is logged: its log groups
        // are read once, for both (short polls: the test waits for one).
        ...['aws-receipts', 'aws-receipts-b'].map((id) => ({
          id,
          name: `SNS (moto, delivery status, ${id})`,
          kind: 'sns' as const,
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: moto.endpoint,
              ...credentials,
              deliveryStatus: statusLogs.setting(1),
            },
          },
        })),
        // Two carriers on one AWS account share its 20 publishes per second.
        ...['aws-quota-a', 'aws-quota-b'].map((id) => ({
          id,
          name: `SNS (scripted, ${id})`,
          kind: 'sns' as const,
          config: {
            sns: {
              region: 'eu-west-1',
              endpoint: scriptedEndpoint,
              account: 'shared',
              maxPerSecond: 20,
              ...credentials,
            },
          },
        })),
      ],
    });

    // As the all-in-one gateway's bus: outbound records nobody consumes yet are kept for the
    // first consumer (a carrier taken up later), not dropped.
    broker = new InProcessBroker({
      keepUntilSubscribed: (topic) => topicForPhysicalName(topic) === SMS_OUTBOUND,
    });
    sent = new TopicRecorder(SMS_SENT, broker);
    statuses = new TopicRecorder(SMS_STATUS, broker);
    health = new TopicRecorder(CARRIER_HEALTH, broker);
    reroutes = new TopicRecorder(SMS_REROUTE, broker);
    moRaw = new TopicRecorder(SMS_MO_RAW, broker);
    receipts = new TopicRecorder(SMS_DLR_RAW, broker);
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker }, logger),
      prisma: db.database.prisma,
      clock: systemClock,
    };
    app = await startSnsConnector(runtime, {
      carriers: 'all',
      logger,
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 10, backoffMs: [50, 100] },
      requestTimeoutMs: 5_000,
      throttlePauseMs: 200,
      health: { intervalMs: 1_000, instanceId: 'sns-test' },
      // Reads of the delivery status logs go page by page here.
      deliveryStatusPageSize: 2,
    });
    transport = app.getTransportServer() as unknown as InProcessTransport;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await moto.stopRecording().catch(() => undefined);
    await scripted.stop();
    inbound?.close();
    statusLogs?.close();
    await db?.drop();
    delete process.env[KEY_ENV];
  });

  function outbound(
    carrierId: string,
    text: string,
    source = 'Shop',
    priority?: PriorityClass,
  ): SmsOutboundEvent {
    return {
      ...newEnvelope(),
      message: testMessage({
        messageId: `sns-${randomInt(1e9)}`,
        // A number no other run uses, so moto's global SMS list can be searched by it.
        destination: `+3826${String(randomInt(1e8)).padStart(8, '0')}`,
        source,
        text,
        ...(priority ? { priority } : {}),
      }),
      carrierId,
      routeId: 'cloud',
      attempt: 1,
    };
  }

  const publish = (event: SmsOutboundEvent) => broker.publish([encodeEvent(SMS_OUTBOUND, event)]);

  /** Publishes the event; it comes back to routing with the code, never published to SNS. */
  async function expectHandedBack(event: SmsOutboundEvent, errorCode: string): Promise<void> {
    publish(event);
    const [rerouted] = await reroutes.waitFor(
      1,
      (item) => item.message.messageId === event.message.messageId,
    );
    expect(rerouted).toMatchObject({ errorCode, mayHaveReached: false });
    expect(
      (await moto.recordedPublishes()).filter(
        (params) => params.get('PhoneNumber') === event.message.destination,
      ),
    ).toEqual([]);
  }

  it('publishes to moto with the sender id and SMS type, and reports the SNS MessageId', async () => {
    const event = outbound('aws-moto', 'Your code is 9035');
    publish(event);
    const [result] = await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    expect(result).toMatchObject({ tenantId: 'acme', carrierId: 'aws-moto', routeId: 'cloud' });
    const snsMessageId = result.parts[0].carrierMessageId;
    expect(result.parts).toEqual([{ partIndex: 0, carrierMessageId: snsMessageId }]);

    // What reached "AWS": moto's SNS backend recorded the SMS under the id we were given...
    const sms = (await moto.smsMessages()).filter(
      (item) => item.phone_number === event.message.destination,
    );
    expect(sms).toEqual([
      {
        message_id: snsMessageId,
        phone_number: event.message.destination,
        message: 'Your code is 9035',
      },
    ]);
    // ...and the recorded request carried the attributes (moto's SMS model does not keep them).
    const requests = (await moto.recordedPublishes()).filter(
      (params) => params.get('PhoneNumber') === event.message.destination,
    );
    expect(requests).toHaveLength(1);
    expect(messageAttributesOf(requests[0])).toEqual({
      'AWS.SNS.SMS.SenderID': 'TuxHat',
      'AWS.SNS.SMS.SMSType': 'Promotional',
    });
  });

  it('publishes a replayed outbound event once', async () => {
    const event = outbound('aws-moto', 'Only once');
    publish(event);
    await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    publish(event);
    await transport.idle();
    expect(
      (await moto.smsMessages()).filter((item) => item.phone_number === event.message.destination),
    ).toHaveLength(1);
    expect(sent.events.filter((item) => item.messageId === event.message.messageId)).toHaveLength(
      1,
    );
  });

  it('fails the message with the AWS error code when moto refuses it (text over 1600 bytes)', async () => {
    const event = outbound('aws-moto', 'x'.repeat(1_601));
    publish(event);
    const [failed] = await statuses.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    expect(failed).toMatchObject({
      status: 'failed',
      errorCode: 'InvalidParameter',
      source: 'sns-connector',
      carrierId: 'aws-moto',
      routeId: 'cloud',
    });
    expect(failed.detail).toContain('SNS refused Publish: InvalidParameter');
  });

  it('fails the message when AWS refuses the phone number', async () => {
    // moto checks only the E.164 syntax; AWS also refuses numbers it cannot send to.
    const event = outbound('aws-scripted', 'Hello');
    scripted.answerNext({
      status: 400,
      code: 'InvalidParameter',
      message: `Invalid parameter: PhoneNumber Reason: ${event.message.destination} is not valid to publish to`,
    });
    publish(event);
    const [failed] = await statuses.waitFor(
      1,
      (item) => item.messageId === event.message.messageId,
    );
    expect(failed).toMatchObject({
      status: 'failed',
      errorCode: 'InvalidParameter',
      carrierId: 'aws-scripted',
    });
    expect(failed.detail).toContain('is not valid to publish to');
    await transport.idle();
    expect(sent.events.filter((item) => item.messageId === event.message.messageId)).toHaveLength(
      0,
    );
  });

  it('retries through the bus when SNS throttles or fails, then reports the message sent', async () => {
    const event = outbound('aws-scripted', 'Try again', '+38267000000');
    scripted.answerNext(
      { status: 429, code: 'Throttled', message: 'Rate exceeded' },
      { status: 500, code: 'InternalError', message: 'We encountered an internal error' },
    );
    const before = scripted.requests.length;
    publish(event);
    await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    const requests = scripted.requests.slice(before);
    expect(requests).toHaveLength(3);
    for (const params of requests) {
      expect(params.get('PhoneNumber')).toBe(event.message.destination);
      // A numeric sender is no sender id; the carrier configures none either.
      expect(messageAttributesOf(params)).toEqual({ 'AWS.SNS.SMS.SMSType': 'Transactional' });
    }
    expect(
      statuses.events.filter((item) => item.messageId === event.message.messageId),
    ).toHaveLength(0);
  });

  it('hands the message back to routing after three failures in a row, saying whether SNS may have it', async () => {
    const throttled = outbound('aws-scripted', 'Throttled thrice', '+38267000000');
    scripted.answerNext(
      ...[1, 2, 3].map(() => ({ status: 429, code: 'Throttled', message: 'Rate exceeded' })),
    );
    const before = scripted.requests.length;
    publish(throttled);
    const [backFromThrottling] = await reroutes.waitFor(
      1,
      (item) => item.message.messageId === throttled.message.messageId,
    );
    expect(scripted.requests.length - before).toBe(3);
    expect(backFromThrottling).toMatchObject({
      carrierId: 'aws-scripted',
      attempt: 1,
      mayHaveReached: false,
      reason: expect.stringMatching(/^SNS failed 3 time\(s\) in a row: SNS throttled Publish/),
    });

    const failing = outbound('aws-scripted', 'Failed thrice', '+38267000000');
    scripted.answerNext(
      ...[1, 2, 3].map(() => ({ status: 500, code: 'InternalError', message: 'internal error' })),
    );
    publish(failing);
    const [backFromFailures] = await reroutes.waitFor(
      1,
      (item) => item.message.messageId === failing.message.messageId,
    );
    // SNS failed on its side: it may have published, so routing must not send it there again.
    expect(backFromFailures).toMatchObject({ mayHaveReached: true });
    expect(
      sent.events.filter((item) =>
        [throttled, failing].some((event) => event.message.messageId === item.messageId),
      ),
    ).toEqual([]);
  });

  it('sets SMSType by class of service, the origination number and the max price', async () => {
    const otp = outbound('aws-by-class', 'Code 1234', 'Shop', 'otp');
    const bulk = outbound('aws-by-class', 'Black Friday: 30% off', 'Shop', 'bulk');
    publish(otp);
    publish(bulk);
    await sent.waitFor(2, (item) =>
      [otp, bulk].some((event) => event.message.messageId === item.messageId),
    );
    const attributesTo = async (destination: string) => {
      const [request] = (await moto.recordedPublishes()).filter(
        (params) => params.get('PhoneNumber') === destination,
      );
      return messageAttributesOf(request);
    };
    expect(await attributesTo(otp.message.destination)).toEqual({
      'AWS.SNS.SMS.SenderID': 'Shop',
      'AWS.SNS.SMS.SMSType': 'Transactional',
      'AWS.MM.SMS.OriginationNumber': '+18005550199',
      'AWS.SNS.SMS.MaxPrice': '0.25',
    });
    expect((await attributesTo(bulk.message.destination))['AWS.SNS.SMS.SMSType']).toBe(
      'Promotional',
    );
  });

  it("holds an account's publishes per second within 10 %, across the carriers sharing it", async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      outbound(i % 2 === 0 ? 'aws-quota-a' : 'aws-quota-b', `Quota ${i}`),
    );
    const before = scripted.arrivals.length;
    broker.publish(events.map((event) => encodeEvent(SMS_OUTBOUND, event)));
    await sent.waitFor(40, (item) =>
      events.some((event) => event.message.messageId === item.messageId),
    );
    const arrivals = scripted.arrivals.slice(before);
    expect(arrivals).toHaveLength(40);
    const rate = ((arrivals.length - 1) * 1_000) / (arrivals[arrivals.length - 1] - arrivals[0]);
    expect(rate).toBeGreaterThanOrEqual(18);
    expect(rate).toBeLessThanOrEqual(22);
  });

  it('reports the carrier unhealthy while SNS fails and healthy again once a publish succeeds', async () => {
    await health.waitFor(1, (item) => item.carrierId === 'aws-scripted' && item.healthy);
    const event = outbound('aws-scripted', 'Through an outage', '+38267000001');
    scripted.answerNext(
      { status: 503, code: 'ServiceUnavailable', message: 'Service is unavailable' },
      { status: 429, code: 'Throttled', message: 'Rate exceeded' },
    );
    publish(event);
    await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
    const reports = health.events.filter((item) => item.carrierId === 'aws-scripted');
    const down = reports.findIndex((item) => !item.healthy);
    expect(down).toBeGreaterThan(-1);
    expect(reports[down]).toMatchObject({ bindsUp: 0, bindsConfigured: 1 });
    expect(reports[down].detail).toMatch(/^SNS (failed|throttled)/);
    await health.waitFor(
      1,
      (item) =>
        item.carrierId === 'aws-scripted' &&
        item.healthy &&
        item.occurredAt > reports[down].occurredAt,
    );
    const [counted] = await health.waitFor(
      1,
      (item) => item.carrierId === 'aws-scripted' && (item.errors > 0 || item.throttled > 0),
    );
    expect(counted.submitted).toBeGreaterThan(0);
    // The 5xx is the carrier's fault (counted for the fault rule); a throttling answer is not.
    const [faulted] = await health.waitFor(
      1,
      (item) => item.carrierId === 'aws-scripted' && (item.faults ?? 0) > 0,
    );
    expect(faulted.errors).toBeGreaterThanOrEqual(faulted.faults!);
    expect(
      reports.filter((item) => item.throttled > 0 && item.errors === 0 && (item.faults ?? 0) > 0),
    ).toEqual([]);
  });

  it('boots without a carrier it cannot use, reports it unhealthy and hands its messages back to routing', async () => {
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^sns-connector serves aws-by-class, .*; not taken up, settings rejected: aws-locked$/,
      ),
    );
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^carrier aws-locked: settings rejected, not taken up: carriers\[aws-locked\]\.sns\.accessKeyId: environment variable TUXHAT_NOT_SET_ANYWHERE is not set$/,
      ),
    );
    await health.waitFor(
      1,
      (item) =>
        item.carrierId === 'aws-locked' &&
        !item.healthy &&
        (item.detail ?? '').startsWith('not taken up, settings rejected: carriers[aws-locked]'),
    );
    await expectHandedBack(
      outbound('aws-locked', 'Routed to a carrier the pod could not take up'),
      'CARRIER_NOT_TAKEN_UP',
    );
  });

  it('turns the inbound SMS of a two-way number into MO events, once each, and takes them off the queue', async () => {
    const sms = {
      from: '+38267123456',
      to: '+18005550199',
      text: `STOP sending me offers ${randomUUID()}`,
      inboundMessageId: randomUUID(),
    };
    await inbound.publishInbound(sms);
    const [event] = await moRaw.waitFor(1, (item) => item.text === sms.text);
    expect(event).toMatchObject({
      carrierId: 'aws-two-way',
      source: sms.from,
      destination: sms.to,
      text: sms.text,
    });
    expect(event.concat).toBeUndefined();
    // SQS hands a message out again when its deletion did not happen (here: as raw delivery):
    // the same event, which the dlr routes once.
    await inbound.send(JSON.stringify(awsInboundSms(sms)));
    const both = await moRaw.waitFor(2, (item) => item.text === sms.text);
    expect(both.map((item) => item.eventId)).toEqual([event.eventId, event.eventId]);
    await waitFor('the queue emptied', async () =>
      (await inbound.size()) === 0 ? true : undefined,
    );
  });

  it('leaves what is not an inbound SMS in the queue, for its redrive policy, with a warning', async () => {
    try {
      await inbound.send('{"hello":"world"}');
      await waitFor('the warning', () =>
        logged.find((text) =>
          /^carrier aws-two-way: SQS message \S+ is not an inbound SMS \(not an inbound SMS: originationNumber/.test(
            text,
          ),
        ),
      );
      expect(await inbound.size()).toBe(1);
      expect(moRaw.events.filter((item) => item.text.includes('hello'))).toEqual([]);
    } finally {
      await inbound.purge();
    }
  });

  describe('delivery receipts from the delivery status logs (CloudWatch Logs)', () => {
    type Sent = Awaited<ReturnType<typeof sendThrough>>;

    /** Sends through the carrier; the MessageId SNS answered. */
    async function sendThrough(carrierId: string, text: string) {
      const event = outbound(carrierId, text);
      publish(event);
      const [result] = await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
      return { event, snsMessageId: result.parts[0].carrierMessageId };
    }

    /** The status SNS logs for a sent message (SUCCESS unless told). */
    function statusOf(send: Sent, outcome: Partial<AwsDeliveryStatus> = {}): AwsDeliveryStatus {
      return {
        messageId: send.snsMessageId,
        destination: send.event.message.destination,
        status: 'SUCCESS',
        ...outcome,
      };
    }

    /** Logs the message's status as SNS does, and waits for the receipt the connector makes of it. */
    async function receiptOf(send: Sent, outcome: Partial<AwsDeliveryStatus> = {}) {
      await statusLogs.write(statusOf(send, outcome));
      const [receipt] = await receipts.waitFor(
        1,
        (item) => item.carrierMessageId === send.snsMessageId,
      );
      return receipt;
    }

    it('turns the status SNS logged for a message into its receipt, once, for the carriers on the account', async () => {
      const first = await sendThrough('aws-receipts', 'Your code is 1234');
      expect(await receiptOf(first)).toMatchObject({
        carrierId: 'aws-receipts',
        carrierMessageId: first.snsMessageId,
        state: 'delivered',
        rawState: 'SUCCESS',
        accountCarrierIds: ['aws-receipts', 'aws-receipts-b'],
      });

      // A failure, in the failure group (made now: until then it did not exist).
      const failed = await sendThrough('aws-receipts-b', 'Your code is 5678');
      expect(
        await receiptOf(failed, {
          status: 'FAILURE',
          providerResponse: 'Phone number is opted out',
        }),
      ).toMatchObject({
        carrierId: 'aws-receipts',
        state: 'rejected',
        rawState: 'FAILURE',
        errorCode: 'OPTED_OUT',
      });
      // Each read starts 30 s before the newest status read: the read that brings a later
      // status of the same group meets the first one again, which stays one receipt.
      await receiptOf(await sendThrough('aws-receipts', 'Your code is 9012'));
      expect(
        receipts.events.filter((item) => item.carrierMessageId === first.snsMessageId),
      ).toHaveLength(1);
    });

    it('reads the statuses of many messages page by page, each one receipt', async () => {
      const sends = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => sendThrough('aws-receipts', `Paged ${n}`)),
      );
      await statusLogs.write(...sends.map((send) => statusOf(send)));
      const ids = new Set(sends.map((send) => send.snsMessageId));
      await receipts.waitFor(5, (item) => ids.has(item.carrierMessageId));
      // Another read (it brings this status) meets the five again: still one receipt each.
      await receiptOf(await sendThrough('aws-receipts', 'After the pages'));
      expect(receipts.events.filter((item) => ids.has(item.carrierMessageId))).toHaveLength(5);
    });

    it('keeps how far each group was read, and which pod reads it, in the database', async () => {
      const writtenAt = new Date();
      await receiptOf(await sendThrough('aws-receipts', 'Cursor moves'), { writtenAt });
      await waitFor('the cursor past the status', async () => {
        const rows = await cursorsRead();
        const success = rows.find((row) => row.log_group === statusLogs.logGroup('SUCCESS'));
        return success && success.read_until.getTime() >= writtenAt.getTime() ? success : undefined;
      });
      const rows = await cursorsRead();
      expect(rows.map((row) => row.log_group).sort()).toEqual(
        [statusLogs.logGroup('SUCCESS'), statusLogs.logGroup('FAILURE')].sort(),
      );
      expect(new Set(rows.map((row) => row.lease_owner)).size).toBe(1);
      expect(rows.every((row) => row.lease_until.getTime() > Date.now())).toBe(true);
    });

    it('skips a log event that is not a delivery status, with a warning, and reads on', async () => {
      await statusLogs.writeRaw('SUCCESS', ['a line some other tool wrote here']);
      await waitFor('the warning', () =>
        logged.find(
          (text) =>
            text.startsWith('carrier aws-receipts: 1 log event(s) of ') &&
            text.endsWith('are not SMS delivery statuses; skipped'),
        ),
      );
      await receiptOf(await sendThrough('aws-receipts', 'After the odd line'));
    });

    async function cursorsRead() {
      return db.database.prisma.$queryRaw<
        { log_group: string; read_until: Date; lease_owner: string; lease_until: Date }[]
      >`SELECT log_group, read_until, lease_owner, lease_until FROM sns_delivery_status_cursors
         WHERE log_group LIKE ${`sns/eu-west-1/${statusLogs.accountId}/%`}`;
    }
  });

  describe('carrier changes while running (carriers table and config revision, as the admin API)', () => {
    async function changeCarrier(change: {
      sns?: Record<string, unknown>;
      enabled?: boolean;
    }): Promise<void> {
      await db.database.prisma.$transaction(async (tx) => {
        const row = await tx.carrier.findUniqueOrThrow({ where: { id: 'aws-changing' } });
        const sns = (row.config as { sns: Record<string, unknown> }).sns;
        await tx.carrier.update({
          where: { id: 'aws-changing' },
          data: {
            config: { sns: { ...sns, ...change.sns } as Prisma.InputJsonObject },
            ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
          },
        });
        await bumpConfigRevision(tx);
      });
    }

    /** Adds an SNS carrier on moto, as the admin API does (row and config revision together). */
    async function addCarrier(
      id: string,
      name: string,
      sns: Record<string, unknown>,
    ): Promise<void> {
      await db.database.prisma.$transaction(async (tx) => {
        await tx.carrier.create({
          data: {
            id,
            name,
            kind: 'sns',
            config: {
              sns: {
                region: 'eu-west-1',
                endpoint: moto.endpoint,
                secretAccessKey: 'test-secret',
                ...sns,
              },
            },
          },
        });
        await bumpConfigRevision(tx);
      });
    }

    const line = (pattern: RegExp) =>
      waitFor(`a log line matching ${pattern}`, () => logged.find((text) => pattern.test(text)));

    async function senderIdOf(event: SmsOutboundEvent): Promise<string | undefined> {
      await sent.waitFor(1, (item) => item.messageId === event.message.messageId);
      const [request] = (await moto.recordedPublishes()).filter(
        (params) => params.get('PhoneNumber') === event.message.destination,
      );
      return messageAttributesOf(request)['AWS.SNS.SMS.SenderID'];
    }

    it('publishes with the new settings once changed, fails messages over while disabled, and publishes again when enabled', async () => {
      const before = outbound('aws-changing', 'Before the change');
      publish(before);
      expect(await senderIdOf(before)).toBe('Before');

      await changeCarrier({ sns: { senderId: 'After' } });
      await line(/carrier aws-changing: settings changed; publishing through/);
      const after = outbound('aws-changing', 'After the change');
      publish(after);
      expect(await senderIdOf(after)).toBe('After');

      // Both keys or neither: refused as at boot, the carrier keeps publishing as it was.
      await changeCarrier({ sns: { secretAccessKey: undefined } });
      await line(
        /carrier aws-changing: new settings rejected.*carriers\[aws-changing\]\.sns: give both/,
      );
      await health.waitFor(1, (item) =>
        (item.detail ?? '').includes('new settings rejected: carriers[aws-changing].sns'),
      );
      const still = outbound('aws-changing', 'Still as it was');
      publish(still);
      expect(await senderIdOf(still)).toBe('After');
      await changeCarrier({ sns: { secretAccessKey: 'test-secret' } });
      await line(/carrier aws-changing: settings valid again/);

      await changeCarrier({ enabled: false });
      await line(/carrier aws-changing: disabled in the carriers table; its messages fail over/);
      await expectHandedBack(outbound('aws-changing', 'While disabled'), 'CARRIER_DISABLED');
      await health.waitFor(
        1,
        (item) => item.carrierId === 'aws-changing' && !item.healthy && item.detail === 'disabled',
      );

      await changeCarrier({ enabled: true });
      await line(/carrier aws-changing: enabled in the carriers table/);
      const on = outbound('aws-changing', 'Enabled again');
      publish(on);
      expect(await senderIdOf(on)).toBe('After');
    });

    it('drains the publishes queued at a low limit at the new one once it is raised', async () => {
      const events = Array.from({ length: 6 }, (_, i) => outbound('aws-slow', `Queued ${i}`));
      const ids = new Set(events.map((event) => event.message.messageId));
      for (const event of events) publish(event);
      // A burst of one at 1/s: the first goes, the other five wait about a second each.
      await sent.waitFor(1, (item) => ids.has(item.messageId));
      await db.database.prisma.$transaction(async (tx) => {
        const row = await tx.carrier.findUniqueOrThrow({ where: { id: 'aws-slow' } });
        const sns = (row.config as { sns: Record<string, unknown> }).sns;
        await tx.carrier.update({
          where: { id: 'aws-slow' },
          data: { config: { sns: { ...sns, maxPerSecond: 100 } } },
        });
        await bumpConfigRevision(tx);
      });
      await line(/carrier aws-slow: settings changed/);
      const raisedAt = performance.now();
      await sent.waitFor(6, (item) => ids.has(item.messageId));
      // At the old limit the last would pass about 4 s from here.
      expect(performance.now() - raisedAt).toBeLessThan(2_500);
    });

    it('publishes for a carrier added while running, its outbound topics consumed from then on', async () => {
      await addCarrier('aws-added', 'SNS (moto, added while running)', {
        senderId: 'Added',
        accessKeyId: { env: KEY_ENV },
      });
      await line(/carrier aws-added: added; publishing through/);
      const first = outbound('aws-added', 'To a carrier added while running', 'Shop', 'otp');
      const second = outbound('aws-added', 'And another', 'Shop', 'bulk');
      publish(first);
      publish(second);
      expect(await senderIdOf(first)).toBe('Added');
      expect(await senderIdOf(second)).toBe('Added');
      await health.waitFor(1, (item) => item.carrierId === 'aws-added' && item.healthy);
      expect(reroutes.events.filter((item) => item.carrierId === 'aws-added')).toEqual([]);
    });

    it('hands what routing sent a carrier it cannot take up back to routing, never publishing it', async () => {
      // Routed to the carrier as soon as it has a route, before any health report on it.
      const early = outbound('aws-unready', 'Routed early');
      publish(early);
      await addCarrier('aws-unready', 'SNS (moto, key variable missing in this pod)', {
        accessKeyId: { env: 'TUXHAT_NOT_SET_ANYWHERE' },
      });
      await health.waitFor(
        1,
        (item) =>
          item.carrierId === 'aws-unready' &&
          !item.healthy &&
          (item.detail ?? '').startsWith('not taken up, settings rejected: carriers[aws-unready]'),
      );
      const late = outbound('aws-unready', 'Routed before routing saw the report');
      publish(late);

      const rerouted = await reroutes.waitFor(2, (item) => item.carrierId === 'aws-unready');
      expect(rerouted.map((item) => item.message.messageId).sort()).toEqual(
        [early.message.messageId, late.message.messageId].sort(),
      );
      for (const item of rerouted) {
        expect(item).toMatchObject({
          triedCarriers: ['aws-unready'],
          errorCode: 'CARRIER_NOT_TAKEN_UP',
          mayHaveReached: false,
        });
        expect(item.reason).toMatch(
          /^carrier aws-unready not taken up by this sns-connector, settings rejected: carriers\[aws-unready\]/,
        );
      }
      const destinations = new Set([early.message.destination, late.message.destination]);
      expect(
        (await moto.recordedPublishes()).filter((params) =>
          destinations.has(params.get('PhoneNumber') ?? ''),
        ),
      ).toEqual([]);
      const ids = new Set([early.message.messageId, late.message.messageId]);
      expect(sent.events.filter((item) => ids.has(item.messageId))).toEqual([]);

      // Disabled instead of fixed: what still comes for it goes back to routing all the same.
      await db.database.prisma.$transaction(async (tx) => {
        await tx.carrier.update({ where: { id: 'aws-unready' }, data: { enabled: false } });
        await bumpConfigRevision(tx);
      });
      await line(
        /^carrier aws-unready: disabled in the carriers table while its settings were rejected/,
      );
      await expectHandedBack(
        outbound('aws-unready', 'Routed as it was disabled'),
        'CARRIER_DISABLED',
      );
    });
  });
});
