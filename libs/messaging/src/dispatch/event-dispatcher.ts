import type { LoggerService } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import { processMetrics } from '@tuxhat/observability';
import { isObservable, lastValueFrom } from 'rxjs';

import { DEAD_LETTER } from '@tuxhat/contracts';

import { BusHeaders, type IncomingRecord } from '../bus-record';
import { decodeRecord, type DecodedRecord } from '../event-codec';
import { RetryLaterError, describeError } from '../errors';
import { decideOnFailure, type RetryPolicy } from '../retry-policy';
import { DispatchTelemetry } from '../telemetry/dispatch-telemetry';
import { BatchOutcome } from './batch-outcome';
import { BusContext } from './bus-context';
import { forEachKeyed } from './keyed-concurrency';

/** Options a handler declares in `@EventPattern(topic.name, { batch: true })`. */
export interface HandlerExtras {
  /** The handler takes an array of events (e.g. to write them in one database round trip). */
  readonly batch?: boolean;
}

export interface HandlerRegistry {
  getHandlerByPattern(pattern: string): MessageHandler | null;
  /** Every handler by pattern, in the order the consumer declared them (Nest's Server has it). */
  getHandlers(): Map<string, MessageHandler>;
}

/** Where failed records go: the transport's retry topic or its dead-letter topic. */
export interface FailureSink {
  retry(
    record: IncomingRecord,
    logicalTopic: string,
    nextAttempt: number,
    delayMs: number,
    error: string,
  ): Promise<void>;
  deadLetter(record: IncomingRecord, reason: string, attempts: number): Promise<void>;
}

export interface EventDispatcherOptions {
  readonly group: string;
  readonly handlers: HandlerRegistry;
  readonly retryPolicy: RetryPolicy;
  readonly failures: FailureSink;
  readonly logger: LoggerService;
  /** Distinct keys handled at once within one batch. */
  readonly maxConcurrency: number;
  /** Where records come from, for the spans' messaging.system (default kafka). */
  readonly system?: 'kafka' | 'in-process';
}

type Decoded = Extract<DecodedRecord, { ok: true }>;

/**
 * The part of a transport that does not depend on where records come from: validate, call the
 * Nest handler, and turn every failure into a retry or a dead letter. A handler that throws
 * never stops the records behind it.
 */
export class EventDispatcher {
  private readonly telemetry: DispatchTelemetry;
  private readonly handlers = new Map<string, MessageHandler>();
  private declarationRank: Map<string, number> | undefined;

  constructor(private readonly options: EventDispatcherOptions) {
    this.telemetry = new DispatchTelemetry(
      options.group,
      processMetrics(),
      options.system ?? 'kafka',
    );
  }

  /**
   * The handler of a topic, looked up once: Nest's lookup first tries JSON.parse on the
   * pattern, which throws (and builds a stack trace) for every plain topic name. Handlers are
   * all registered before the transport listens; a topic without one is asked again.
   */
  private handlerFor(topicName: string): MessageHandler | null {
    let handler = this.handlers.get(topicName);
    if (!handler) {
      handler = this.options.handlers.getHandlerByPattern(topicName) ?? undefined;
      if (handler) this.handlers.set(topicName, handler);
    }
    return handler ?? null;
  }

  /**
   * A batch's topics in the order their handlers are declared, not the order the records came
   * in: a consumer declares the cause before its effect (dlr: sms.sent before the receipts), so
   * a receipt that shares a batch with its message's sms.sent finds it recorded instead of
   * failing "not yet" and waiting for a retry.
   */
  private inDeclarationOrder<T>(byTopic: Map<string, T>): [string, T][] {
    const entries = [...byTopic];
    if (entries.length < 2) return entries;
    this.declarationRank ??= new Map(
      [...this.options.handlers.getHandlers().keys()].map((pattern, rank) => [pattern, rank]),
    );
    const rank = (topicName: string) =>
      this.declarationRank?.get(topicName) ?? Number.MAX_SAFE_INTEGER;
    return entries.sort(([a], [b]) => rank(a) - rank(b));
  }

  /** Resolves once every record is handled, queued for retry, or dead-lettered. */
  async handle(records: readonly IncomingRecord[]): Promise<void> {
    const valid: Decoded[] = [];
    for (const record of records) {
      const decoded = decodeRecord(record);
      if (decoded.ok) valid.push(decoded);
      else {
        this.telemetry.rejected(record);
        await this.deadLetter(record, decoded.reason, 1);
      }
    }
    const byTopic = new Map<string, Decoded[]>();
    for (const item of valid) {
      const list = byTopic.get(item.topic.name) ?? [];
      list.push(item);
      byTopic.set(item.topic.name, list);
    }
    for (const [topicName, items] of this.inDeclarationOrder(byTopic)) {
      const handler = this.handlerFor(topicName);
      if (!handler) {
        for (const item of items) {
          this.telemetry.rejected(item.record);
          await this.deadLetter(
            item.record,
            `no handler for ${topicName} in ${this.options.group}`,
            item.attempt,
          );
        }
        continue;
      }
      const extras = (handler.extras ?? {}) as HandlerExtras;
      if (extras.batch) await this.handleAsBatch(handler, items);
      else {
        await forEachKeyed(
          items,
          (item) => item.record.key ?? item.record.offset,
          this.options.maxConcurrency,
          (item) => this.handleOne(handler, item, item.event),
        );
      }
    }
  }

  private async handleAsBatch(handler: MessageHandler, items: Decoded[]): Promise<void> {
    let outcome: unknown;
    try {
      outcome = await this.telemetry.batch(items, () =>
        invoke(
          handler,
          items.map((item) => item.event),
          new BusContext(
            items.map((item) => item.record),
            Math.max(...items.map((item) => item.attempt)),
          ),
        ),
      );
    } catch (error) {
      if (items.length === 1) {
        await this.onFailure(items[0], error);
        return;
      }
      // Isolate the culprit: one poison event must not send its whole batch to retry.
      for (const item of items) await this.handleOne(handler, item, [item.event]);
      return;
    }
    if (outcome instanceof BatchOutcome) {
      for (const [index, error] of outcome.failures) {
        const item = items[index];
        if (item) await this.onFailure(item, error);
      }
    }
  }

  private async handleOne(handler: MessageHandler, item: Decoded, data: unknown): Promise<void> {
    try {
      await this.telemetry.one(item, () =>
        invoke(handler, data, new BusContext([item.record], item.attempt)),
      );
    } catch (error) {
      await this.onFailure(item, error);
    }
  }

  private async onFailure(item: Decoded, error: unknown): Promise<void> {
    const reason = describeError(error);
    const decision = decideOnFailure(this.options.retryPolicy, item.attempt, error);
    // A wait is expected (a carrier outage can hold thousands of messages): not a warning each.
    const waiting = error instanceof RetryLaterError;
    this.telemetry.failed(
      item.topic.name,
      waiting ? 'waiting' : decision.kind === 'retry' ? 'retried' : 'dead_lettered',
    );
    if (decision.kind === 'retry') {
      this.telemetry.inLogFieldsOf(item, () => {
        if (waiting) {
          this.options.logger.debug?.(
            `${this.options.group}: ${item.topic.name} waits ${decision.delayMs} ms: ${reason}`,
          );
          return;
        }
        this.options.logger.warn?.(
          `${this.options.group}: ${item.topic.name} attempt ${item.attempt} failed, retrying in ${decision.delayMs} ms: ${reason}`,
        );
      });
      await this.options.failures.retry(
        item.record,
        item.topic.name,
        decision.nextAttempt,
        decision.delayMs,
        reason,
      );
    } else {
      this.telemetry.inLogFieldsOf(item, () => {
        this.options.logger.error(
          `${this.options.group}: ${item.topic.name} dead-lettered after ${item.attempt} attempt(s): ${reason}`,
        );
      });
      await this.deadLetter(item.record, reason, item.attempt);
    }
  }

  /**
   * The dead-letter topic is the end of the line: a record of it that its consumer gives up on
   * (the all-in-one table writer, the dlr's settler) is logged, not dead-lettered again. Another
   * dead letter would be read by the same consumer, fail the same way, and so on for ever, each
   * round wrapping the last one's payload. On Kafka the record stays in sms.deadletter.v1.
   */
  private async deadLetter(
    record: IncomingRecord,
    reason: string,
    attempts: number,
  ): Promise<void> {
    const topic = record.headers[BusHeaders.originalTopic] ?? record.topic;
    if (topic !== DEAD_LETTER.name) {
      await this.options.failures.deadLetter(record, reason, attempts);
      return;
    }
    this.options.logger.error(
      `${this.options.group}: gave up on a dead letter (offset ${record.offset} of ${record.topic}, key ${record.key ?? '-'}) after ${attempts} attempt(s), not dead-lettered again: ${reason}`,
    );
  }
}

async function invoke(
  handler: MessageHandler,
  data: unknown,
  context: BusContext,
): Promise<unknown> {
  const result: unknown = await handler(data, context);
  // Nest's RPC exception filter reports a thrown error as an erroring Observable.
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}
