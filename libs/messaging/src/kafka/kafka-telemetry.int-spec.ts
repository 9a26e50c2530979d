import { randomUUID } from 'node:crypto';

import { Controller, type INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import {
  SMS_OUTBOUND,
  type SmsOutboundEvent,
  outboundTopicFor,
  retryTopicFor,
} from '@tuxhat/contracts';
import {
  METRICS,
  Metrics,
  flushTracing,
  processHealth,
  processMetrics,
  startTracing,
  stopTracing,
} from '@tuxhat/observability';
import { KafkaTopicReader, requiredTestEnv, testOutboundEvent, waitFor } from '@tuxhat/testing';

/** Waits (polling) until `condition` holds. */
function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs?: number,
): Promise<true> {
  return waitFor(what, async () => ((await condition()) ? true : undefined), { timeoutMs });
}

import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { EventPublisher } from '../event-publisher';
import { OnEvent } from '../on-event.decorator';
import { ConsumerLagMonitor } from './consumer-lag.monitor';
import { KafkaEventClient } from './kafka-event.client';
import { KafkaTransport } from './kafka.transport';
import { KafkajsAdapter } from './kafkajs.adapter';

const run = randomUUID().slice(0, 8);
const exporter = new InMemorySpanExporter();

/** Every delivery of every message, with the trace it was handled in. */
const deliveries: { messageId: string; traceId?: string }[] = [];
let handlingDelayMs = 0;

@Controller()
class OutboundRecorder {
  @OnEvent(SMS_OUTBOUND)
  async submit(event: SmsOutboundEvent): Promise<void> {
    if (handlingDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, handlingDelayMs));
    deliveries.push({
      messageId: event.message.messageId,
      traceId: trace.getActiveSpan()?.spanContext().traceId,
    });
  }
}

@Module({ controllers: [OutboundRecorder] })
class RecorderModule {}

function outbound(carrierId: string, n: number): SmsOutboundEvent {
  return testOutboundEvent(carrierId, `msg-${run}-${carrierId}-${n}`);
}

describe('Kafka transport telemetry on a real broker', () => {
  const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
  const kafka = new KafkajsAdapter({ brokers, clientId: 'telemetry-test' }, new Logger('kafka'));
  const client = new KafkaEventClient(kafka);
  const publisher = new EventPublisher(client);

  async function createTopics(carrier: string, group: string, partitions = 1): Promise<void> {
    const admin = kafka.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      { name: outboundTopicFor(carrier), partitions },
      { name: retryTopicFor(group), partitions: 1 },
    ]);
    await admin.disconnect();
  }

  async function startConsumer(carrier: string, group: string): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(RecorderModule, {
      strategy: new KafkaTransport({
        kafka,
        group,
        topicsFor: () => [outboundTopicFor(carrier)],
        lagIntervalMs: 0,
      }),
      logger: false,
    });
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    return app;
  }

  beforeAll(() => {
    startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  });

  afterAll(async () => {
    await client.close();
    await stopTracing();
  });

  it('carries the trace across the Kafka hop in a W3C traceparent header', async () => {
    const carrier = `trace-${run}`;
    const group = `test-trace-${run}`;
    await createTopics(carrier, group);
    const reader = await new KafkaTopicReader(brokers).start([outboundTopicFor(carrier)]);
    const app = await startConsumer(carrier, group);
    try {
      const event = outbound(carrier, 1);
      const root = trace.getTracer('test').startSpan('POST /v1/messages');
      await context.with(trace.setSpan(context.active(), root), () =>
        publisher.publish(SMS_OUTBOUND, event),
      );
      root.end();
      const traceId = root.spanContext().traceId;

      await until('the event handled', () =>
        deliveries.some((d) => d.messageId === event.message.messageId),
      );
      expect(deliveries.find((d) => d.messageId === event.message.messageId)?.traceId).toBe(
        traceId,
      );

      const [record] = await reader.waitFor(1, (r) => r.value.includes(event.message.messageId));
      await flushTracing();
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const send = spans.find((s) => s.name === 'send sms.outbound.v1')!;
      const consume = spans.find((s) => s.name === 'process sms.outbound.v1')!;
      expect(record.headers.traceparent).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);
      expect(consume.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      expect(consume.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': outboundTopicFor(carrier),
        'messaging.consumer.group.name': group,
      });
    } finally {
      await app.close();
      await reader.stop();
    }
  });

  it("measures a group's lag from the brokers: what is published and not yet committed", async () => {
    const carrier = `lag-${run}`;
    const group = `test-lag-${run}`;
    await createTopics(carrier, group, 2);
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => publisher.publish(SMS_OUTBOUND, outbound(carrier, n))),
    );

    const metrics = new Metrics();
    const monitor = new ConsumerLagMonitor({
      admin: kafka.createAdmin(),
      group,
      topics: [outboundTopicFor(carrier)],
      intervalMs: 60_000,
      metrics,
      logger: new Logger('lag'),
    });
    await monitor.start();
    try {
      const lag = () =>
        metrics.valueOf(METRICS.kafkaConsumerLag, { group, topic: outboundTopicFor(carrier) });
      expect(await lag()).toBe(5);

      const app = await startConsumer(carrier, group);
      try {
        await until(
          '5 events handled',
          () => deliveries.filter((d) => d.messageId.includes(`-${carrier}-`)).length === 5,
        );
        await until('lag 0', async () => {
          await monitor.measure();
          return (await lag()) === 0;
        });
      } finally {
        await app.close();
      }
    } finally {
      await monitor.stop();
    }
    expect(await metrics.render()).not.toContain(`group="${group}"`);
  });

  it('shuts down gracefully while messages flow: drains and commits, a successor loses and repeats nothing', async () => {
    const carrier = `drain-${run}`;
    const group = `test-drain-${run}`;
    await createTopics(carrier, group, 3);
    const total = 150;
    const ids = Array.from({ length: total }, (_, n) => outbound(carrier, n));
    const mine = () => deliveries.filter((d) => d.messageId.includes(`-${carrier}-`));
    handlingDelayMs = 20;
    const first = await startConsumer(carrier, group);
    const readiness = (): Promise<boolean | undefined> =>
      processHealth()
        .report('readiness')
        .then((report) => report.checks.find((c) => c.name === `bus consumer ${group}`)?.ok);
    let second: INestMicroservice | undefined;
    try {
      expect(await readiness()).toBe(true);
      // Published in waves so messages keep arriving while the first consumer stops.
      const publishing = (async () => {
        for (let wave = 0; wave < 10; wave++) {
          await Promise.all(
            ids.slice(wave * 15, wave * 15 + 15).map((e) => publisher.publish(SMS_OUTBOUND, e)),
          );
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      })();
      await until('20 handled', () => mine().length >= 20);
      const closing = first.close(); // what SIGTERM does (Nest's shutdown hook)
      expect(await readiness()).toBe(false); // draining: no longer ready at once
      await closing;
      expect(await readiness()).toBeUndefined(); // the check left with the consumer
      const handledByFirst = mine().length;
      expect(handledByFirst).toBeLessThan(total);

      second = await startConsumer(carrier, group);
      await publishing;
      await until(
        'every message handled',
        () => new Set(mine().map((d) => d.messageId)).size === total,
        60_000,
      );
      const counts = new Map<string, number>();
      for (const d of mine()) counts.set(d.messageId, (counts.get(d.messageId) ?? 0) + 1);
      expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
      expect(counts.size).toBe(total);
    } finally {
      handlingDelayMs = 0;
      await second?.close();
    }
    expect(
      await processMetrics().valueOf(METRICS.busEvents, {
        group,
        topic: SMS_OUTBOUND.name,
        outcome: 'handled',
      }),
    ).toBe(total);
  });
});
