import { Controller, type INestMicroservice, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Span, context, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_DLR_RAW,
  SMS_STATUS,
  SMS_SUBMITTED,
  type SmsAcceptedEvent,
  type SmsDlrRawEvent,
  type SmsSubmittedEvent,
  derivedEnvelope,
  newEnvelope,
} from '@tuxhat/contracts';
import {
  METRICS,
  currentLogFields,
  flushTracing,
  processMetrics,
  startTracing,
  stopTracing,
  traceParentOf,
} from '@tuxhat/observability';
import { testMessage, waitFor } from '@tuxhat/testing';

import { Bus } from '../bus';
import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { EventPublisher } from '../event-publisher';
import { MessagingModule } from '../messaging.module';
import { OnEvent, OnEventBatch } from '../on-event.decorator';
import { continueMessageTraces, messageTraceParent } from './message-trace';

const exporter = new InMemorySpanExporter();
const bus = Bus.create({ kind: 'in-process' }, new Logger('bus'));

/** What the downstream handler saw while it ran: the active trace and the log fields. */
const seen = new Map<string, { traceId?: string; logFields: Record<string, unknown> }>();
const storedTraceParents = new Map<string, string | undefined>();
/** What an earlier hop stored for each message, as the dlr stores it with the carrier's id. */
const traceParentsForReceipts = new Map<string, string | undefined>();
let onSeen: (() => void) | null = null;

@Controller()
class PolicyLike {
  constructor(private readonly publisher: EventPublisher) {}

  /** A batch handler: one call for many messages, each on its own trace. */
  @OnEventBatch(SMS_SUBMITTED)
  async accept(events: SmsSubmittedEvent[]): Promise<void> {
    for (const event of events) {
      storedTraceParents.set(event.message.messageId, messageTraceParent(event.message.messageId));
    }
    await Promise.all(
      events.map((event) =>
        this.publisher.publish(SMS_ACCEPTED, {
          ...derivedEnvelope(event.eventId, 'accepted'),
          message: event.message,
          decision: 'test',
        }),
      ),
    );
  }
}

@Controller()
class RoutingLike {
  @OnEvent(SMS_ACCEPTED)
  route(event: SmsAcceptedEvent): void {
    seen.set(event.message.messageId, {
      traceId: trace.getActiveSpan()?.spanContext().traceId,
      logFields: { ...currentLogFields() },
    });
    onSeen?.();
  }
}

/** A dlr-like batch handler: receipts arrive on their own trace and continue their message's. */
@Controller()
class ReceiptLike {
  constructor(private readonly publisher: EventPublisher) {}

  @OnEventBatch(SMS_DLR_RAW)
  async match(receipts: SmsDlrRawEvent[]): Promise<void> {
    const messageIdOf = (receipt: SmsDlrRawEvent) => `msg_receipt_${receipt.carrierMessageId}`;
    continueMessageTraces(
      'match receipt',
      receipts.map((receipt) => ({
        messageId: messageIdOf(receipt),
        traceParent: traceParentsForReceipts.get(messageIdOf(receipt)),
        cause: receipt,
      })),
    );
    await Promise.all(
      receipts.map((receipt) =>
        this.publisher.publish(SMS_STATUS, {
          ...derivedEnvelope(receipt.eventId, 'status'),
          messageId: messageIdOf(receipt),
          tenantId: 'tenant',
          status: 'delivered',
          source: 'dlr',
        }),
      ),
    );
  }
}

@Module({ imports: [MessagingModule.forRoot(bus)], controllers: [ReceiptLike] })
class ReceiptLikeModule {}

@Module({ imports: [MessagingModule.forRoot(bus)], controllers: [PolicyLike] })
class PolicyLikeModule {}

@Module({ imports: [MessagingModule.forRoot(bus)], controllers: [RoutingLike] })
class RoutingLikeModule {}

async function start(module: object, group: string): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module, {
    strategy: bus.createTransport({ group }),
    logger: false,
  });
  app.useGlobalFilters(new BusExceptionFilter());
  await app.listen();
  return app;
}

function message(n: number): MessageFields {
  return testMessage({ messageId: `msg_trace_${n}`, tenantId: `tenant-${n}` });
}

function until(done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    onSeen = () => {
      if (done()) resolve();
    };
    onSeen();
  });
}

describe('tracing across bus hops (in-process transport)', () => {
  const apps: INestMicroservice[] = [];

  beforeAll(async () => {
    startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    apps.push(
      await start(RoutingLikeModule, 'test-routing'),
      await start(PolicyLikeModule, 'test-policy'),
      await start(ReceiptLikeModule, 'test-dlr'),
    );
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await stopTracing();
  });

  it('keeps each message on its own trace through a batch handler and the next hop, with its ids in the logs', async () => {
    const handledBefore = await processMetrics().valueOf(METRICS.busEvents, {
      group: 'test-policy',
      topic: SMS_SUBMITTED.name,
      outcome: 'handled',
    });
    const publisher = new EventPublisher(bus.createClient());
    const roots: Span[] = [];
    // Published in one tick: the batch handler gets all three in one call.
    await Promise.all(
      [1, 2, 3].map((n) => {
        const root = trace.getTracer('test').startSpan(`request ${n}`);
        roots.push(root);
        return context.with(trace.setSpan(context.active(), root), () =>
          publisher.publish(SMS_SUBMITTED, { ...newEnvelope(), message: message(n) }),
        );
      }),
    );
    await until(() => seen.size === 3);
    for (const root of roots) root.end();
    await flushTracing();

    const spans = exporter.getFinishedSpans();
    for (const [index, root] of roots.entries()) {
      const id = `msg_trace_${index + 1}`;
      const traceId = root.spanContext().traceId;
      expect(seen.get(id)).toEqual({
        traceId,
        logFields: {
          messageId: id,
          tenantId: `tenant-${index + 1}`,
          traceId,
          spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      });

      const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
      const named = (name: string): ReadableSpan => {
        const found = inTrace.filter((span) => span.name === name);
        expect(found).toHaveLength(1);
        return found[0];
      };
      const sendSubmitted = named('send sms.submitted.v1');
      const processSubmitted = named('process sms.submitted.v1');
      const sendAccepted = named('send sms.accepted.v1');
      const processAccepted = named('process sms.accepted.v1');
      expect(sendSubmitted.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(processSubmitted.parentSpanContext?.spanId).toBe(sendSubmitted.spanContext().spanId);
      expect(sendAccepted.parentSpanContext?.spanId).toBe(processSubmitted.spanContext().spanId);
      expect(processAccepted.parentSpanContext?.spanId).toBe(sendAccepted.spanContext().spanId);
      expect(processSubmitted.attributes).toMatchObject({
        'messaging.system': 'in-process',
        'messaging.consumer.group.name': 'test-policy',
        'tuxhat.message.id': id,
        'tuxhat.tenant.id': `tenant-${index + 1}`,
      });
      expect(processAccepted.attributes['messaging.consumer.group.name']).toBe('test-routing');
      // what a batch handler stores for a message points at that message's span
      expect(storedTraceParents.get(id)).toBe(
        traceParentOf(trace.setSpanContext(context.active(), processSubmitted.spanContext())),
      );
    }

    const metrics = processMetrics();
    expect(
      (await metrics.valueOf(METRICS.busEvents, {
        group: 'test-policy',
        topic: SMS_SUBMITTED.name,
        outcome: 'handled',
      })) - handledBefore,
    ).toBe(3);
    expect(
      await metrics.valueOf(METRICS.busEventLatency, {
        group: 'test-routing',
        topic: SMS_ACCEPTED.name,
      }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await metrics.valueOf(METRICS.busPublished, { topic: SMS_ACCEPTED.name, result: 'ok' }),
    ).toBeGreaterThanOrEqual(3);
  });

  it('continues a message’s stored trace for work that arrives on its own trace (a receipt), linking both', async () => {
    // each message's trace, stored when its carrier accepted it; receipts arrive on another trace
    const sentSpans = [1, 2].map((n) => {
      const span = trace.getTracer('test').startSpan(`process sms.sent ${n}`);
      traceParentsForReceipts.set(
        `msg_receipt_${n}`,
        traceParentOf(trace.setSpan(context.active(), span)),
      );
      span.end();
      return span;
    });
    const publisher = new EventPublisher(bus.createClient());
    const receiptRoot = trace.getTracer('test').startSpan('deliver_sm');
    await context.with(trace.setSpan(context.active(), receiptRoot), () =>
      Promise.all(
        [1, 2].map((n) =>
          publisher.publish(SMS_DLR_RAW, {
            ...newEnvelope(),
            carrierId: 'telco-a',
            carrierMessageId: String(n),
            state: 'delivered',
            rawState: 'DELIVRD',
            receivedAt: new Date().toISOString(),
          }),
        ),
      ),
    );
    receiptRoot.end();
    await waitFor('the statuses published', async () => {
      await flushTracing();
      const sent = exporter.getFinishedSpans().filter((s) => s.name === 'send sms.status.v1');
      return sent.length >= 2 ? true : undefined;
    });

    const spans = exporter.getFinishedSpans();
    for (const n of [1, 2]) {
      const traceId = sentSpans[n - 1].spanContext().traceId;
      const parentSpanId = sentSpans[n - 1].spanContext().spanId;
      const match = spans.find(
        (s) =>
          s.name === 'match receipt' && s.attributes['tuxhat.message.id'] === `msg_receipt_${n}`,
      )!;
      expect(match.spanContext().traceId).toBe(traceId);
      expect(match.parentSpanContext?.spanId).toBe(parentSpanId);
      const receiptSpan = spans.find(
        (s) => s.spanContext().spanId === match.links[0]?.context.spanId,
      );
      expect(receiptSpan?.name).toBe('process sms.dlr.raw.v1');
      expect(receiptSpan?.spanContext().traceId).toBe(receiptRoot.spanContext().traceId);
      const status = spans.find(
        (s) =>
          s.name === 'send sms.status.v1' &&
          s.attributes['tuxhat.message.id'] === `msg_receipt_${n}`,
      )!;
      expect(status.spanContext().traceId).toBe(traceId);
      expect(status.parentSpanContext?.spanId).toBe(match.spanContext().spanId);
    }
  });
});
