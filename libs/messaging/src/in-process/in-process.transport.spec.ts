import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  DEAD_LETTER,
  SMS_STATUS,
  type DeadLetterEvent,
  type SmsStatusEvent,
} from '@tuxhat/contracts';

import { BusContext } from '../dispatch/bus-context';
import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { encodeEvent } from '../event-codec';
import { PermanentError } from '../errors';
import { OnEvent, OnEventBatch } from '../on-event.decorator';
import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';
import { RecordingSubscriber } from './test/recording-subscriber';
import { statusEvent } from './test/status-event';

const handled: { messageId: string; attempt: number }[] = [];
const batches: number[] = [];
let handledWaiter: { ids: Set<string>; resolve: () => void } | null = null;
const remainingFailures = new Map<string, number>();

function markHandled(messageId: string, attempt: number): void {
  handled.push({ messageId, attempt });
  if (handledWaiter) {
    handledWaiter.ids.delete(messageId);
    if (handledWaiter.ids.size === 0) handledWaiter.resolve();
  }
}

@Controller()
class StatusController {
  @OnEvent(SMS_STATUS)
  handle(@Payload() event: SmsStatusEvent, @Ctx() context: BusContext): void {
    if (event.detail === 'poison') throw new PermanentError('this event can never be handled');
    const failures = remainingFailures.get(event.messageId) ?? 0;
    if (failures > 0) {
      remainingFailures.set(event.messageId, failures - 1);
      throw new Error('transient');
    }
    markHandled(event.messageId, context.getAttempt());
  }
}

@Controller()
class BatchStatusController {
  @OnEventBatch(SMS_STATUS)
  handle(events: SmsStatusEvent[]): void {
    if (events.some((event) => event.detail === 'poison')) throw new Error('batch contains poison');
    batches.push(events.length);
    for (const event of events) markHandled(event.messageId, 1);
  }
}

@Module({ controllers: [StatusController] })
class SingleModule {}

@Module({ controllers: [BatchStatusController] })
class BatchModule {}

function untilHandled(ids: string[]): Promise<void> {
  return new Promise((resolve) => {
    const pending = new Set(ids.filter((id) => !handled.some((item) => item.messageId === id)));
    if (pending.size === 0) resolve();
    else handledWaiter = { ids: pending, resolve };
  });
}

describe(InProcessTransport.name, () => {
  let broker: InProcessBroker;
  let deadLetters: RecordingSubscriber;
  let app: INestMicroservice;

  async function start(module: typeof SingleModule | typeof BatchModule): Promise<void> {
    broker = new InProcessBroker();
    deadLetters = new RecordingSubscriber();
    broker.subscribe(DEAD_LETTER.name, deadLetters);
    app = await NestFactory.createMicroservice(module, {
      strategy: new InProcessTransport({
        broker,
        group: 'test',
        retryPolicy: { maxAttempts: 3, backoffMs: [1] },
      }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
  }

  beforeEach(() => {
    handled.length = 0;
    batches.length = 0;
    handledWaiter = null;
    remainingFailures.clear();
  });

  afterEach(async () => {
    await app.close();
  });

  it('dead-letters a poison event with its reason while the events behind it flow', async () => {
    await start(SingleModule);
    broker.publish([
      encodeEvent(SMS_STATUS, statusEvent('m1')),
      encodeEvent(SMS_STATUS, statusEvent('m2', 'poison')),
      encodeEvent(SMS_STATUS, statusEvent('m3')),
    ]);
    await Promise.all([untilHandled(['m1', 'm3']), deadLetters.waitForCount(1)]);
    const deadLetter = JSON.parse(deadLetters.records[0].value!.toString()) as DeadLetterEvent;
    expect(DEAD_LETTER.schema.parse(deadLetter)).toBeTruthy();
    expect(deadLetter).toMatchObject({
      originalTopic: SMS_STATUS.name,
      originalKey: 'm2',
      consumerGroup: 'test',
      attempts: 1,
    });
    expect(deadLetter.reason).toContain('this event can never be handled');
    expect(JSON.parse(deadLetter.payload)).toMatchObject({ messageId: 'm2' });
  });

  it('retries a failing event with back-off until it succeeds', async () => {
    await start(SingleModule);
    remainingFailures.set('m1', 2);
    broker.publish([encodeEvent(SMS_STATUS, statusEvent('m1'))]);
    await untilHandled(['m1']);
    expect(handled).toEqual([{ messageId: 'm1', attempt: 3 }]);
    expect(deadLetters.records).toHaveLength(0);
  });

  it('dead-letters an event that keeps failing after the last attempt', async () => {
    await start(SingleModule);
    remainingFailures.set('m1', 99);
    broker.publish([encodeEvent(SMS_STATUS, statusEvent('m1'))]);
    await deadLetters.waitForCount(1);
    const deadLetter = JSON.parse(deadLetters.records[0].value!.toString()) as DeadLetterEvent;
    expect(deadLetter.attempts).toBe(3);
    expect(deadLetter.reason).toContain('transient');
  });

  it('dead-letters a record that does not match its contract', async () => {
    await start(SingleModule);
    broker.publish([
      { topic: SMS_STATUS.name, key: 'x', value: Buffer.from('{"not":"a status"}'), headers: {} },
      { topic: SMS_STATUS.name, key: 'y', value: Buffer.from('not json'), headers: {} },
      encodeEvent(SMS_STATUS, statusEvent('m1')),
    ]);
    await Promise.all([untilHandled(['m1']), deadLetters.waitForCount(2)]);
    const reasons = deadLetters.records.map(
      (record) => (JSON.parse(record.value!.toString()) as DeadLetterEvent).reason,
    );
    expect(reasons[0]).toMatch(/does not match sms\.status\.v1/);
    expect(reasons[1]).toMatch(/not JSON/);
  });

  it('hands a batch handler many events at once, and isolates a poison event in a batch', async () => {
    await start(BatchModule);
    broker.publish(['b1', 'b2', 'b3'].map((id) => encodeEvent(SMS_STATUS, statusEvent(id))));
    await untilHandled(['b1', 'b2', 'b3']);
    expect(batches).toEqual([3]);

    broker.publish([
      encodeEvent(SMS_STATUS, statusEvent('c1')),
      encodeEvent(SMS_STATUS, statusEvent('c2', 'poison')),
      encodeEvent(SMS_STATUS, statusEvent('c3')),
    ]);
    await untilHandled(['c1', 'c3']);
    // c2 fails alone and goes through the retry schedule to the dead-letter topic
    await deadLetters.waitForCount(1);
    expect(JSON.parse(deadLetters.records[0].value!.toString())).toMatchObject({
      originalKey: 'c2',
      attempts: 3,
    });
  });
});
