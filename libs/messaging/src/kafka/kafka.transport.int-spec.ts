import { randomUUID } from 'node:crypto';

import { Controller, type INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  DEAD_LETTER,
  SMS_OUTBOUND,
  SMS_STATUS,
  type SmsOutboundEvent,
  type SmsStatusEvent,
  laneTopicName,
  newEnvelope,
  outboundTopicFor,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import {
  KafkaTopicReader,
  requiredTestEnv,
  startGroupAtEnd,
  testOutboundEvent,
  waitFor,
} from '@tuxhat/testing';
import { lastValueFrom } from 'rxjs';

import { BusContext } from '../dispatch/bus-context';
import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { PermanentError } from '../errors';
import { encodeEvent } from '../event-codec';
import { OnEvent } from '../on-event.decorator';
import { planTopics } from '../topic-provisioning';
import { KafkaEventClient } from './kafka-event.client';
import type { KafkaConsumerPort } from './kafka.port';
import { KafkaTransport } from './kafka.transport';
import { KafkajsAdapter } from './kafkajs.adapter';

const run = randomUUID().slice(0, 8);
const tenantId = `t-${run}`;
const handled: { messageId: string; attempt: number }[] = [];
const failuresLeft = new Map<string, number>();
const listeners = new Set<() => void>();

@Controller()
class StatusRecorder {
  @OnEvent(SMS_STATUS)
  handle(@Payload() event: SmsStatusEvent, @Ctx() context: BusContext): void {
    if (event.tenantId !== tenantId) return; // records of earlier runs on the same topic
    if (event.detail === 'poison') throw new PermanentError(`cannot handle ${event.messageId}`);
    const left = failuresLeft.get(event.messageId) ?? 0;
    if (left > 0) {
      failuresLeft.set(event.messageId, left - 1);
      throw new Error(`transient failure of ${event.messageId}`);
    }
    handled.push({ messageId: event.messageId, attempt: context.getAttempt() });
    for (const listener of listeners) listener();
  }
}

@Module({ controllers: [StatusRecorder] })
class RecorderModule {}

function whenHandled(ids: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (ids.every((id) => handled.some((item) => item.messageId === id))) {
        listeners.delete(check);
        resolve();
      }
    };
    listeners.add(check);
    check();
  });
}

/** Every delivery of an outbound message (its id), duplicates included. */
const outboundHandled: string[] = [];

@Controller()
class OutboundRecorder {
  @OnEvent(SMS_OUTBOUND)
  handle(@Payload() event: SmsOutboundEvent): void {
    outboundHandled.push(event.message.messageId);
  }
}

@Module({ controllers: [OutboundRecorder] })
class OutboundModule {}

const outbound = (carrierId: string, messageId: string, otp = false): SmsOutboundEvent =>
  testOutboundEvent(carrierId, messageId, { tenantId, ...(otp ? { priority: 'otp' } : {}) });

const status = (messageId: string, detail?: string): SmsStatusEvent => ({
  ...newEnvelope(),
  messageId,
  tenantId,
  status: 'sent',
  source: 'test',
  ...(detail ? { detail } : {}),
});

describe(`${KafkaTransport.name} on a real broker`, () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const group = `test-${run}`;
  const kafka = new KafkajsAdapter({ brokers, clientId: 'transport-test' }, new Logger('kafka'));
  const client = new KafkaEventClient(kafka);
  const deadLetters = new KafkaTopicReader(brokers);

  async function startConsumer(): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(RecorderModule, {
      strategy: new KafkaTransport({
        kafka,
        group,
        retryPolicy: { maxAttempts: 3, backoffMs: [300] },
      }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    return app;
  }

  const emit = (event: SmsStatusEvent) => {
    const record = encodeEvent(SMS_STATUS, event);
    return lastValueFrom(client.emit(record.topic, record), { defaultValue: undefined });
  };

  const emitOutbound = (event: SmsOutboundEvent) => {
    const record = encodeEvent(SMS_OUTBOUND, event);
    return lastValueFrom(client.emit(record.topic, record), { defaultValue: undefined });
  };

  beforeAll(async () => {
    const admin = kafka.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      ...planTopics({ carriers: [] }),
      { name: retryTopicFor(group), partitions: 2 },
    ]);
    await admin.disconnect();
    // The status topic is shared with every other run on this Kafka and the group is new
    // (it would start at the beginning): it starts at the topic's end instead, or it first
    // works through the whole history of the other runs (timing out once that grew large).
    await startGroupAtEnd(brokers, group, physicalTopicsOf(SMS_STATUS));
    await deadLetters.start([DEAD_LETTER.name]);
  });

  afterAll(async () => {
    await client.close();
    await deadLetters.stop();
  });

  it('dead-letters a poison event with its reason, retries a transient failure, and keeps the rest flowing', async () => {
    const app = await startConsumer();
    try {
      failuresLeft.set(`m4-${run}`, 2);
      await Promise.all([
        emit(status(`m1-${run}`)),
        emit(status(`m2-${run}`, 'poison')),
        emit(status(`m3-${run}`)),
        emit(status(`m4-${run}`)),
      ]);
      const [deadLetterRecords] = await Promise.all([
        deadLetters.waitFor(1, (record) => record.key === `m2-${run}`),
        whenHandled([`m1-${run}`, `m3-${run}`, `m4-${run}`]),
      ]);
      const deadLetter = DEAD_LETTER.schema.parse(JSON.parse(deadLetterRecords[0].value));
      expect(deadLetter).toMatchObject({
        originalTopic: SMS_STATUS.name,
        consumerGroup: group,
        attempts: 1,
      });
      expect(deadLetter.reason).toContain(`cannot handle m2-${run}`);
      // the transient failure came back through the durable retry topic, on its third attempt
      expect(handled.filter((item) => item.messageId === `m4-${run}`)).toEqual([
        { messageId: `m4-${run}`, attempt: 3 },
      ]);
    } finally {
      await app.close();
    }
  });

  it('commits only handled events: a restarted consumer resumes after them, handling nothing twice', async () => {
    const app = await startConsumer();
    try {
      await emit(status(`m5-${run}`));
      await whenHandled([`m5-${run}`]);
      for (const id of ['m1', 'm3', 'm4', 'm5']) {
        expect(handled.filter((item) => item.messageId === `${id}-${run}`)).toHaveLength(1);
      }
    } finally {
      await app.close();
    }
  });

  it('consumes topics added while running, from their beginning, each once, and keeps the others flowing', async () => {
    const addGroup = `test-add-${run}`;
    const [carrierX, carrierY] = [`x-${run}`, `y-${run}`];
    const topicX = outboundTopicFor(carrierX);
    const topicY = outboundTopicFor(carrierY);
    const topicYOtp = laneTopicName(topicY, 'otp');
    const admin = kafka.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      { name: topicX, partitions: 2 },
      { name: topicY, partitions: 2 },
      { name: topicYOtp, partitions: 2 },
      { name: retryTopicFor(addGroup), partitions: 1 },
    ]);
    await admin.disconnect();
    const transport = new KafkaTransport({
      kafka,
      group: addGroup,
      topicsFor: () => [topicX],
      lagIntervalMs: 0,
    });
    const app = await NestFactory.createMicroservice(OutboundModule, {
      strategy: transport,
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    const id = (name: string) => `${name}-${run}`;
    const deliveriesOf = (name: string) =>
      outboundHandled.filter((messageId) => messageId === id(name)).length;
    const whenDelivered = (names: readonly string[]) =>
      waitFor(`${names.join(', ')} handled`, () =>
        names.every((name) => deliveriesOf(name) > 0) ? true : undefined,
      );

    await expect(transport.addTopics([topicY])).rejects.toThrow(addGroup);
    await app.listen();
    try {
      await emitOutbound(outbound(carrierX, id('x1')));
      await whenDelivered(['x1']);
      // Published before the transport consumes its topic: read from the topic's beginning.
      await emitOutbound(outbound(carrierY, id('y1')));
      await Promise.all([
        transport.addTopics([topicY, topicYOtp]),
        transport.addTopics([topicY]),
        transport.addTopics([topicX]),
      ]);
      // The default lane's consumer of start, and one for each lane added: none twice for Y.
      expect(transport.unwrap<KafkaConsumerPort[]>()).toHaveLength(3);
      await Promise.all([
        emitOutbound(outbound(carrierY, id('y2'))),
        emitOutbound(outbound(carrierY, id('y3-otp'), true)),
        emitOutbound(outbound(carrierX, id('x2'))),
      ]);
      await whenDelivered(['y1', 'y2', 'y3-otp', 'x2']);
    } finally {
      await app.close();
    }
    // Counted once closed: nothing more is handled after.
    for (const name of ['x1', 'x2', 'y1', 'y2', 'y3-otp']) expect(deliveriesOf(name)).toBe(1);
    await expect(transport.addTopics([outboundTopicFor(`z-${run}`)])).rejects.toThrow(
      `${addGroup} is not running`,
    );
  });
});
