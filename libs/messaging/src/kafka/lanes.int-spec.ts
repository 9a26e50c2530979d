import { randomUUID } from 'node:crypto';

import { Controller, Inject, type INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type Lane,
  type PriorityClass,
  SMS_SUBMITTED,
  type SmsSubmittedEvent,
  laneOfMessage,
  newEnvelope,
  physicalTopicsOf,
} from '@tuxhat/contracts';
import { startGroupAtEnd, requiredTestEnv } from '@tuxhat/testing';
import { lastValueFrom } from 'rxjs';

import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { encodeEvent } from '../event-codec';
import { OnEventBatch } from '../on-event.decorator';
import { planTopics } from '../topic-provisioning';
import { KafkaEventClient } from './kafka-event.client';
import { KafkaTransport } from './kafka.transport';
import { KafkajsAdapter } from './kafkajs.adapter';

/** What one consumer saw: which replica handled which tenant's message in which lane. */
interface Handled {
  readonly replica: string;
  readonly tenantId: string;
  readonly lane: Lane;
  readonly messageId: string;
}

const run = randomUUID().slice(0, 8);
const handled: Handled[] = [];
const listeners = new Set<() => void>();
/** Bulk handling of the isolation test waits on this: a carrier that takes nothing. */
let releaseBulk: () => void = () => undefined;
let bulkGate: Promise<void> = Promise.resolve();

const REPLICA = Symbol('replica');

@Controller()
class SubmittedRecorder {
  constructor(@Inject(REPLICA) private readonly replica: string) {}

  @OnEventBatch(SMS_SUBMITTED)
  async onSubmitted(events: SmsSubmittedEvent[]): Promise<void> {
    const ours = events.filter(({ message }) => message.tenantId.endsWith(run));
    if (ours.some(({ message }) => laneOfMessage(message) === 'bulk')) await bulkGate;
    for (const { message } of ours) {
      handled.push({
        replica: this.replica,
        tenantId: message.tenantId,
        lane: laneOfMessage(message),
        messageId: message.messageId,
      });
    }
    for (const listener of listeners) listener();
  }
}

function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (condition()) {
        listeners.delete(check);
        resolve();
      }
    };
    listeners.add(check);
    check();
  });
}

const submitted = (tenantId: string, priority: PriorityClass, n: number): SmsSubmittedEvent => ({
  ...newEnvelope(),
  message: {
    messageId: `m-${tenantId}-${priority}-${n}`,
    tenantId,
    destination: '+38267123456',
    source: 'TuxHat',
    text: `message ${n}`,
    encoding: 'gsm7',
    parts: 1,
    acceptedAt: new Date().toISOString(),
    priority,
  },
});

describe('lanes on a real broker', () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const kafka = new KafkajsAdapter({ brokers, clientId: 'lanes-test' }, new Logger('kafka'));
  const client = new KafkaEventClient(kafka);
  const apps: INestMicroservice[] = [];

  async function startReplica(group: string, replica: string): Promise<INestMicroservice> {
    @Module({
      controllers: [SubmittedRecorder],
      providers: [{ provide: REPLICA, useValue: replica }],
    })
    class ReplicaModule {}
    const app = await NestFactory.createMicroservice(ReplicaModule, {
      strategy: new KafkaTransport({ kafka, group }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    apps.push(app);
    return app;
  }

  const emitAll = (events: readonly SmsSubmittedEvent[]) =>
    Promise.all(
      events.map((event) => {
        const record = encodeEvent(SMS_SUBMITTED, event);
        return lastValueFrom(client.emit(record.topic, record), { defaultValue: undefined });
      }),
    );

  beforeAll(async () => {
    const admin = kafka.createAdmin();
    await admin.connect();
    await admin.ensureTopics(
      planTopics({ carriers: [], extraGroups: [`lanes-a-${run}`, `lanes-b-${run}`] }),
    );
    await admin.disconnect();
    // New groups start at the beginning: without this they first work through every
    // sms.submitted record other runs left on the shared broker (tens of thousands).
    for (const group of [`lanes-a-${run}`, `lanes-b-${run}`]) {
      await startGroupAtEnd(brokers, group, physicalTopicsOf(SMS_SUBMITTED));
    }
  });

  afterEach(async () => {
    releaseBulk();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(() => client.close());

  it('hands OTP messages to the handler while the bulk lane is stuck behind a backlog', async () => {
    bulkGate = new Promise((resolve) => (releaseBulk = resolve));
    await startReplica(`lanes-a-${run}`, 'only');
    const tenant = `iso-${run}`;
    const bulk = Array.from({ length: 200 }, (_, n) => submitted(tenant, 'bulk', n));
    const otp = Array.from({ length: 5 }, (_, n) => submitted(tenant, 'otp', n));

    await emitAll(bulk);
    await emitAll(otp);
    await until(
      () => handled.filter((item) => item.tenantId === tenant && item.lane === 'otp').length === 5,
    );
    // Every OTP got through while not one bulk message could be handled.
    expect(handled.filter((item) => item.tenantId === tenant && item.lane === 'bulk')).toHaveLength(
      0,
    );

    releaseBulk();
    await until(
      () =>
        handled.filter((item) => item.tenantId === tenant && item.lane === 'bulk').length === 200,
    );
  });

  it("lets one replica own all of a tenant's lanes, so per-tenant state stays in one place", async () => {
    const group = `lanes-b-${run}`;
    await Promise.all([startReplica(group, 'r1'), startReplica(group, 'r2')]);
    const tenants = Array.from({ length: 24 }, (_, n) => `own${n}-${run}`);
    const classes: PriorityClass[] = ['otp', 'transactional', 'bulk'];
    const events = tenants.flatMap((tenant) =>
      classes.flatMap((priority) => [0, 1].map((n) => submitted(tenant, priority, n))),
    );
    await emitAll(events);
    await until(
      () => handled.filter((item) => item.tenantId.startsWith('own')).length >= events.length,
    );

    const ours = handled.filter((item) => item.tenantId.startsWith('own'));
    expect(new Set(ours.map((item) => item.messageId)).size).toBe(events.length);
    for (const tenant of tenants) {
      const replicas = new Set(
        ours.filter((item) => item.tenantId === tenant).map((item) => item.replica),
      );
      expect([tenant, replicas.size]).toEqual([tenant, 1]);
    }
    // Both replicas took a share of the tenants.
    expect(new Set(ours.map((item) => item.replica))).toEqual(new Set(['r1', 'r2']));
  });
});
