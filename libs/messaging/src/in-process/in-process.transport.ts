import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';

import { type Lane, laneOfPhysicalTopic } from '@tuxhat/contracts';
import { METRICS, type Metrics, processMetrics } from '@tuxhat/observability';

import { BusHeaders, DeliveredEvent, type IncomingRecord } from '../bus-record';
import { EventDispatcher } from '../dispatch/event-dispatcher';
import { defaultTopicsFor, eventTopicPatterns } from '../dispatch/event-patterns';
import { deadLetterRecord } from '../dispatch/failure-records';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry-policy';
import type { TopicsAddable } from '../live-subscriptions';
import { ConsumerHealth } from '../telemetry/consumer-health';
import { type Acknowledgement, type HandlingContext, handling } from './acknowledgement';
import type { InProcessBroker, InProcessSubscriber } from './in-process.broker';

export interface InProcessTransportOptions {
  readonly broker: InProcessBroker;
  readonly group: string;
  readonly topicsFor?: (pattern: string) => readonly string[];
  readonly retryPolicy?: RetryPolicy;
  readonly maxBatch?: number;
  readonly maxKeyConcurrency?: number;
  /** Where tuxhat_bus_queued is read from (default: the process's registry). */
  readonly metrics?: Metrics;
}

/**
 * The same handlers as KafkaTransport, fed by the in-process broker (all-in-one mode): same
 * validation, batching, retry with back-off and dead-lettering. Each lane (class of service)
 * has its own queue drained concurrently, so a bulk backlog never queues in front of an OTP.
 * An acknowledged record is reported done after its batch, once handled or dead-lettered (kept,
 * as on Kafka); a retry takes its acknowledgement along, so the publisher waits for it too.
 */
export class InProcessTransport
  extends Server
  implements CustomTransportStrategy, InProcessSubscriber, TopicsAddable
{
  protected override readonly logger = new Logger(InProcessTransport.name);
  private readonly queues = new Map<Lane, IncomingRecord[]>();
  /** The lane of each physical topic subscribed (a few dozen names), worked out once. */
  private readonly laneByTopic = new Map<string, Lane>();
  private readonly draining = new Map<Lane, Promise<void>>();
  /** Retries waiting for their time, with the delivery each will enqueue. */
  private readonly retryTimers = new Map<NodeJS.Timeout, IncomingRecord>();
  /** Records of the batches in hand that went to retry: their acknowledgement goes with the retry. */
  private readonly retrying = new Set<IncomingRecord>();
  readonly acknowledgesAs: string;
  private readonly unsubscribes: (() => void)[] = [];
  /** Topics subscribed, at listen and by addTopics. */
  private readonly subscribed = new Set<string>();
  private stopCountingQueued: (() => void) | undefined;
  private dispatcher: EventDispatcher | null = null;
  private closed = false;
  private readonly health: ConsumerHealth;

  constructor(private readonly options: InProcessTransportOptions) {
    super();
    this.health = new ConsumerHealth(options.group);
    this.acknowledgesAs = options.group;
  }

  listen(callback: (error?: unknown) => void): void {
    const { broker, group } = this.options;
    this.health.starting();
    this.dispatcher = new EventDispatcher({
      group,
      system: 'in-process',
      handlers: this,
      retryPolicy: this.options.retryPolicy ?? DEFAULT_RETRY_POLICY,
      logger: this.logger,
      maxConcurrency: this.options.maxKeyConcurrency ?? 64,
      failures: {
        retry: async (record, _topic, nextAttempt, delayMs, error) => {
          const headers = {
            ...record.headers,
            [BusHeaders.attempt]: String(nextAttempt),
            [BusHeaders.lastError]: error,
          };
          const retry =
            record instanceof DeliveredEvent ? record.withHeaders(headers) : { ...record, headers };
          if (acknowledgementOf(record)) this.retrying.add(record);
          if (this.closed) {
            // Closing drains what was queued; a retry would come after the end.
            acknowledgementOf(retry)?.refuse(this.closedBeforeRetry());
            return;
          }
          const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            this.enqueue(retry);
          }, delayMs);
          this.retryTimers.set(timer, retry);
        },
        deadLetter: async (record, reason, attempts) => {
          broker.publishOne(deadLetterRecord(record, group, reason, attempts));
        },
      },
    });
    const topicsFor = this.options.topicsFor ?? defaultTopicsFor;
    for (const pattern of eventTopicPatterns(this.messageHandlers)) {
      for (const topic of topicsFor(pattern)) this.subscribe(topic);
    }
    // Read at each scrape: the in-memory backlog, which Kafka's lag metric shows in cluster mode.
    this.stopCountingQueued = (this.options.metrics ?? processMetrics()).source(
      METRICS.busQueued,
      () => [...this.queues].map(([lane, queue]) => [{ group, lane }, queue.length] as const),
    );
    this.health.running();
    callback();
  }

  /**
   * Subscribes to more topics while running. What was published to them before is delivered
   * only if the broker kept it (InProcessBrokerOptions.keepUntilSubscribed); on Kafka it always is.
   */
  async addTopics(topics: readonly string[]): Promise<void> {
    if (this.dispatcher === null || this.closed) {
      throw new Error(`${this.options.group} is not running: cannot consume ${topics.join(', ')}`);
    }
    for (const topic of topics) this.subscribe(topic);
  }

  private subscribe(topic: string): void {
    if (this.subscribed.has(topic)) return;
    this.subscribed.add(topic);
    this.unsubscribes.push(this.options.broker.subscribe(topic, this));
  }

  /** Records waiting in the lanes' queues (the batches in hand not counted). */
  get queued(): number {
    let total = 0;
    for (const queue of this.queues.values()) total += queue.length;
    return total;
  }

  enqueue(record: IncomingRecord): void {
    if (this.closed) {
      acknowledgementOf(record)?.refuse(new Error(`${this.options.group} is closed`));
      return;
    }
    let lane = this.laneByTopic.get(record.topic);
    if (lane === undefined) {
      lane = laneOfPhysicalTopic(record.topic);
      this.laneByTopic.set(record.topic, lane);
    }
    const queue = this.queues.get(lane) ?? [];
    this.queues.set(lane, queue);
    queue.push(record);
    if (!this.draining.has(lane)) this.draining.set(lane, this.drain(lane, queue));
  }

  private async drain(lane: Lane, queue: IncomingRecord[]): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0 && this.dispatcher) {
      const batch = queue.splice(0, this.options.maxBatch ?? 500);
      const context: HandlingContext = {
        group: this.options.group,
        publishes: batch.some(acknowledgementOf) ? [] : undefined,
      };
      try {
        const dispatcher = this.dispatcher;
        await handling.run(context, () => dispatcher.handle(batch));
      } catch (error) {
        // The dispatcher turns handler errors into retries; reaching here is a bug in it.
        this.logger.error(`${this.options.group}: dispatcher failed: ${String(error)}`);
      }
      this.acknowledge(batch, context.publishes);
    }
    this.draining.delete(lane);
  }

  /**
   * Done with a batch: each acknowledged record in it is handled or dead-lettered, unless retried
   * (the retry takes its acknowledgement along), once what the batch published acknowledged is.
   */
  private acknowledge(batch: readonly IncomingRecord[], publishes: Promise<void>[] = []): void {
    const done = publishes.length > 0 ? Promise.all(publishes) : undefined;
    done?.catch(() => undefined); // the records below report it, if any are left to
    for (const record of batch) {
      const acknowledgement = acknowledgementOf(record);
      if (!acknowledgement) continue;
      if (this.retrying.delete(record)) continue;
      if (!done) acknowledgement.finished(this.acknowledgesAs);
      else {
        done.then(
          () => acknowledgement.finished(this.acknowledgesAs),
          // Acknowledgements are refused with Errors only.
          (error: unknown) => acknowledgement.refuse(error as Error),
        );
      }
    }
  }

  private closedBeforeRetry(): Error {
    return new Error(`${this.options.group} closed before a retry`);
  }

  /** Resolves when everything enqueued so far is handled (tests and graceful shutdown). */
  async idle(): Promise<void> {
    while (this.draining.size > 0) await Promise.all(this.draining.values());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.health.draining();
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    for (const [timer, retry] of this.retryTimers) {
      clearTimeout(timer);
      acknowledgementOf(retry)?.refuse(this.closedBeforeRetry());
    }
    this.retryTimers.clear();
    await this.idle();
    this.stopCountingQueued?.();
    this.health.stopped();
  }

  on(): this {
    return this;
  }

  unwrap<T>(): T {
    return this.options.broker as T;
  }
}

/** Only DeliveredEvents carry one; a plain property read, no instanceof, on the hot path. */
function acknowledgementOf(record: IncomingRecord): Acknowledgement | undefined {
  return (record as Partial<DeliveredEvent>).acknowledgement;
}
