import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';
import type { IncomingRecord, KafkaConsumerPort, KafkaPort } from '@tuxhat/messaging';
import { RecentMap } from '@tuxhat/runtime';

import { StatusStreamHub } from './status-stream.hub';

/** The bus's Kafka, or null on the in-process bus (Bus.kafkaPort()). */
export const STATUS_FEED_KAFKA = Symbol('tuxhat:ingress:status-feed-kafka');

/** Event ids remembered to drop a status event Kafka delivers twice (about 100 bytes each). */
const REMEMBERED_EVENT_IDS = 50_000;

/** How long the feed keeps reading after the last stream closed (a client reconnecting). */
export const FEED_IDLE_PAUSE_MS = 10_000;

/**
 * How far before a stream's opening a paused feed starts reading again: a record's time is its
 * producer's clock, and another host's may run a little behind this one's.
 */
export const FEED_RESUME_MARGIN_MS = 2_000;

/** A resume that failed (the broker unreachable) is tried again this much later. */
const RESUME_RETRY_MS = 1_000;

/**
 * Feeds this replica's status streams (gRPC StreamStatus) on Kafka. The projector's consumer
 * group splits sms.status's partitions between the ingress replicas, so the events it projects
 * are only this replica's share; a tenant's stream must carry all of its events whichever
 * replica it is connected to. So each replica also reads the whole topic through a group of its
 * own, `ingress-stream.<host>.<random>`, from the latest offset and never committing: a stream
 * is live, and what happened before it was opened is in the message's history. The group is new
 * at every start and, holding no offsets, vanishes when the process stops.
 *
 * The feed reads only while a stream is open on this replica: every replica reading every
 * status event of the cluster cost the ingress process about a tenth of its CPU in bench/carrier,
 * with nobody streaming (bench/RESULTS.md, session 26). With no stream open (from boot, and
 * FEED_IDLE_PAUSE_MS after the last one closed) the topic is paused, and the first stream to
 * open resumes it from FEED_RESUME_MARGIN_MS before that moment, so nothing since its opening
 * passes it by. Reading, a record is only decoded when a stream of the tenant it names is open
 * (its tenant id read first).
 *
 * On the in-process bus this feed does nothing: there one projector sees every event and
 * publishes what it wrote (StatusProjectorConsumer).
 */
@Injectable()
export class StatusStreamFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ingress/status-streams');
  private consumer: KafkaConsumerPort | null = null;
  /** Event ids seen lately (RecentMap: at least the last REMEMBERED_EVENT_IDS). */
  private readonly seen = new RecentMap<string, true>(REMEMBERED_EVENT_IDS);
  /** Whether the consumer fetches sms.status now (false: paused). */
  private reading = true;
  /** Pause and resume, one at a time, in the order streams opened and closed. */
  private switching: Promise<void> = Promise.resolve();
  private pauseTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    @Inject(STATUS_FEED_KAFKA) private readonly kafka: KafkaPort | null,
    private readonly hub: StatusStreamHub,
  ) {}

  /** Whether the projector should leave the streams to this feed. */
  get active(): boolean {
    return this.kafka !== null;
  }

  static groupOf(instance: string): string {
    return `ingress-stream.${instance}`;
  }

  async onModuleInit(): Promise<void> {
    const kafka = this.kafka;
    if (!kafka) return;
    const group = StatusStreamFeed.groupOf(`${hostname()}.${randomUUID().slice(0, 8)}`);
    const consumer = kafka.createConsumer(group, { startAt: 'latest' });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe([SMS_STATUS.name]);
    await consumer.run(
      async (batch) => {
        const events = this.streamedEvents(batch.records);
        if (events.length > 0) this.hub.publish(events);
        // Never committed, but marked read: kafkajs fetches a batch nobody resolved again, and
        // the feed re-read the topic's tail in a loop that took a whole core under load.
        const last = batch.records.at(-1);
        if (last) batch.markRead(last.offset);
      },
      { partitionsConsumedConcurrently: 1 },
    );
    this.unwatch = this.hub.watch((open) => this.streamsChanged(open));
    // Nobody can stream before the gRPC server starts, after the modules' init.
    if (this.hub.count() === 0) this.switchTo(false);
    this.logger.log(`status streams read ${SMS_STATUS.name} as ${group} while a stream is open`);
  }

  async onModuleDestroy(): Promise<void> {
    this.unwatch?.();
    clearTimeout(this.pauseTimer);
    await this.switching;
    await this.consumer?.disconnect();
    this.consumer = null;
  }

  /** Whether the feed fetches sms.status now (it pauses while no stream is open). */
  get isReading(): boolean {
    return this.reading;
  }

  /** Resumes at the first stream's opening; pauses FEED_IDLE_PAUSE_MS after the last closed. */
  private streamsChanged(open: number): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (open > 0) {
      const openedAt = new Date(Date.now() - FEED_RESUME_MARGIN_MS);
      this.switchTo(true, openedAt);
    } else if (this.reading) {
      this.pauseTimer = setTimeout(() => this.switchTo(false), FEED_IDLE_PAUSE_MS);
      this.pauseTimer.unref();
    }
  }

  private switchTo(read: boolean, from = new Date()): void {
    this.switching = this.switching
      .then(async () => {
        const consumer = this.consumer;
        if (!consumer || read === this.reading) return;
        if (read) await consumer.resumeFrom(SMS_STATUS.name, from);
        else consumer.pause(SMS_STATUS.name);
        this.reading = read;
      })
      .catch((error: unknown) => {
        this.logger.warn(
          `status streams could not ${read ? 'resume' : 'pause'} their feed: ${String(error)}`,
        );
        // A feed left reading only costs CPU; one left paused keeps an open stream silent.
        if (read) this.retryResume(from);
      });
  }

  private retryResume(from: Date): void {
    const timer = setTimeout(() => {
      if (this.consumer && this.hub.count() > 0) this.switchTo(true, from);
    }, RESUME_RETRY_MS);
    timer.unref();
  }

  /** The records' events that an open stream wants, each event id once. */
  private streamedEvents(records: readonly IncomingRecord[]): SmsStatusEvent[] {
    if (this.hub.count() === 0) return [];
    const events: SmsStatusEvent[] = [];
    for (const record of records) {
      // Parsed once; validated only when a stream of the tenant it names is open.
      const json = parseJson(record);
      if (!this.hub.isStreaming(tenantIdOf(json))) continue;
      const checked = SMS_STATUS.schema.safeParse(json);
      if (!checked.success) {
        this.logger.warn(
          `a status record not streamed (offset ${record.offset} of ${record.topic}): it does not match ${SMS_STATUS.name}`,
        );
        continue;
      }
      if (this.firstSight(checked.data.eventId)) events.push(checked.data);
    }
    return events;
  }

  private firstSight(eventId: string): boolean {
    if (this.seen.has(eventId)) return false;
    this.seen.set(eventId, true);
    return true;
  }
}

/** A record's JSON value; undefined when it has none or it is not JSON. */
function parseJson(record: IncomingRecord): unknown {
  try {
    return record.value ? (JSON.parse(record.value.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** The tenant a status event's JSON names, before validating the rest ('' if none). */
function tenantIdOf(json: unknown): string {
  const tenantId = (json as { tenantId?: unknown } | null | undefined)?.tenantId;
  return typeof tenantId === 'string' ? tenantId : '';
}
