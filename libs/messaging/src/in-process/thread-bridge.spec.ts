import { MessageChannel, type MessagePort } from 'node:worker_threads';

import { SMS_STATUS, SMS_SUBMITTED, type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';

import { testMessage } from '@tuxhat/testing';

import { DeliveredEvent, EncodedEvent } from '../bus-record';
import { decodeRecord, encodeEvent } from '../event-codec';
import type { Acknowledgement } from './acknowledgement';
import type { BridgeMessage } from './thread-bridge';
import { ThreadBridgedBroker } from './thread-bridge';
import { RecordingSubscriber } from './test/recording-subscriber';

function status(messageId: string): SmsStatusEvent {
  return { ...newEnvelope(), messageId, tenantId: 'acme', status: 'sent', source: 'test' };
}

/** The sizes of the record batches a port posts from now on. */
function batchesPostedBy(port: MessagePort): () => number[] {
  const spy = jest.spyOn(port, 'postMessage');
  return () =>
    spy.mock.calls.flatMap(([message]) => {
      const posted = message as BridgeMessage;
      return posted.kind === 'records' ? [posted.records.length] : [];
    });
}

describe(ThreadBridgedBroker.name, () => {
  let channel: MessageChannel;
  let main: ThreadBridgedBroker;
  let worker: ThreadBridgedBroker;
  const errors: Error[] = [];

  beforeEach(() => {
    errors.length = 0;
    channel = new MessageChannel();
    main = new ThreadBridgedBroker(channel.port1, { onError: (error) => errors.push(error) });
    worker = new ThreadBridgedBroker(channel.port2, { onError: (error) => errors.push(error) });
  });

  afterEach(() => {
    main.close();
    worker.close();
  });

  it('delivers a contract event on the other thread as a validated, frozen clone', async () => {
    const statuses = new RecordingSubscriber();
    worker.subscribe(SMS_STATUS.name, statuses);
    await worker.synced();

    const event = status('m1');
    main.publishOne(encodeEvent(SMS_STATUS, event, { traceparent: 'tp' }));
    await statuses.waitForCount(1);

    const [record] = statuses.records;
    expect(record).toBeInstanceOf(DeliveredEvent);
    expect(record).toMatchObject({
      topic: SMS_STATUS.name,
      key: 'm1',
      headers: { traceparent: 'tp' },
    });
    const decoded = decodeRecord(record);
    expect(decoded).toMatchObject({ ok: true, topic: SMS_STATUS, event });
    expect(decoded.ok && Object.isFrozen(decoded.event)).toBe(true);
  });

  it('carries both directions, each in publish order', async () => {
    const submitted = new RecordingSubscriber();
    const statuses = new RecordingSubscriber();
    main.subscribe(SMS_SUBMITTED.name, submitted);
    worker.subscribe(SMS_STATUS.name, statuses);
    await Promise.all([main.synced(), worker.synced()]);

    const ids = ['s1', 's2', 's3', 's4'];
    for (const id of ids) main.publishOne(encodeEvent(SMS_STATUS, status(id)));
    worker.publishOne({
      topic: SMS_SUBMITTED.name,
      key: 'x',
      value: Buffer.from('raw'),
      headers: {},
    });
    await Promise.all([statuses.waitForCount(4), submitted.waitForCount(1)]);

    expect(statuses.records.map((record) => record.key)).toEqual(ids);
    // A record not made by encodeEvent crosses as its bytes.
    expect(submitted.records[0].value).toEqual(Buffer.from('raw'));
    expect(Buffer.isBuffer(submitted.records[0].value)).toBe(true);
  });

  it('sends everything published in one event-loop turn in one message', async () => {
    const statuses = new RecordingSubscriber();
    worker.subscribe(SMS_STATUS.name, statuses);
    await worker.synced();
    const batches = batchesPostedBy(channel.port1);

    for (let n = 0; n < 50; n++) main.publishOne(encodeEvent(SMS_STATUS, status(`a${n}`)));
    await statuses.waitForCount(50);
    for (let n = 0; n < 10; n++) main.publishOne(encodeEvent(SMS_STATUS, status(`b${n}`)));
    await statuses.waitForCount(60);

    expect(batches()).toEqual([50, 10]);
  });

  it('sends only the topics the other thread subscribed to, and never echoes a record back', async () => {
    const mainStatuses = new RecordingSubscriber();
    const workerStatuses = new RecordingSubscriber();
    main.subscribe(SMS_STATUS.name, mainStatuses);
    const unsubscribe = worker.subscribe(SMS_STATUS.name, workerStatuses);
    await Promise.all([main.synced(), worker.synced()]);
    const fromMain = batchesPostedBy(channel.port1);
    const fromWorker = batchesPostedBy(channel.port2);

    main.publishOne(encodeEvent(SMS_STATUS, status('m1')));
    main.publishOne(encodeEvent(SMS_SUBMITTED, submittedEvent('m2')));
    await workerStatuses.waitForCount(1);
    await worker.synced();
    expect(mainStatuses.records).toHaveLength(1);
    expect(fromMain()).toEqual([1]);
    expect(fromWorker()).toEqual([]);

    unsubscribe();
    await worker.synced();
    main.publishOne(encodeEvent(SMS_STATUS, status('m3')));
    await main.synced();
    expect(fromMain()).toEqual([1]);
    expect(workerStatuses.records).toHaveLength(1);
  });

  it('reports a record that cannot be cloned and still sends the rest of its batch', async () => {
    const statuses = new RecordingSubscriber();
    worker.subscribe(SMS_STATUS.name, statuses);
    await worker.synced();

    main.publishOne(encodeEvent(SMS_STATUS, status('ok1')));
    main.publishOne(
      new EncodedEvent(SMS_STATUS, SMS_STATUS.name, 'bad', { callback: () => undefined }, {}),
    );
    main.publishOne(encodeEvent(SMS_STATUS, status('ok2')));
    await statuses.waitForCount(2);

    expect(statuses.records.map((record) => record.key)).toEqual(['ok1', 'ok2']);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^sms\.status\.v1 \(key bad\): .*could not be cloned/),
    ]);
  });

  it('hands an event of an unknown contract on as JSON, for the consumer to dead-letter', async () => {
    const statuses = new RecordingSubscriber();
    worker.subscribe(SMS_STATUS.name, statuses);
    const message: BridgeMessage = {
      kind: 'records',
      records: [
        { contract: 'nope.v1', topic: SMS_STATUS.name, key: 'k', event: { a: 1 }, headers: {} },
      ],
    };
    channel.port1.postMessage(message);
    await statuses.waitForCount(1);

    expect(statuses.records[0]).not.toBeInstanceOf(DeliveredEvent);
    expect(statuses.records[0].value?.toString()).toBe('{"a":1}');
    expect(errors.map((error) => error.message)).toEqual([
      `${SMS_STATUS.name}: contract nope.v1 unknown on this thread`,
    ]);
  });

  describe('an acknowledged publish', () => {
    /** A consumer group on the worker thread: the test says when it is done with a record. */
    class ConsumerGroup extends RecordingSubscriber {
      readonly acknowledgesAs = 'ingress';

      acknowledgementOf(index: number): Acknowledgement {
        return (this.records[index] as DeliveredEvent).acknowledgement!;
      }
    }

    async function publishToWorker(): Promise<{
      group: ConsumerGroup;
      published: Promise<string>;
    }> {
      const group = new ConsumerGroup();
      worker.subscribe(SMS_STATUS.name, group);
      await worker.synced();
      const published = main
        .publishAcknowledged(encodeEvent(SMS_STATUS, status('m1')), 10_000)
        .then(
          () => 'settled',
          (error: unknown) => `refused: ${(error as Error).message}`,
        );
      await group.waitForCount(1);
      return { group, published };
    }

    it('settles when the consumers on the other thread are done with it', async () => {
      const { group, published } = await publishToWorker();
      let outcome: string | undefined;
      void published.then((result) => (outcome = result));
      await worker.synced();
      expect(outcome).toBeUndefined();

      group.acknowledgementOf(0).finished('ingress');
      expect(await published).toBe('settled');
    });

    it("is refused with the other thread's reason", async () => {
      const { group, published } = await publishToWorker();
      group.acknowledgementOf(0).refuse(new Error('ingress is closed'));
      expect(await published).toBe('refused: ingress is closed');
    });

    it('is refused when the bridge closes first', async () => {
      const { published } = await publishToWorker();
      main.close();
      expect(await published).toBe(
        'refused: the thread bridge closed before the consumers were done',
      );
    });
  });
});

function submittedEvent(messageId: string) {
  return { ...newEnvelope(), message: testMessage({ messageId }) };
}
