import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { checkCarrierRow, defaultInstanceId, readCarrierRows } from '@tuxhat/connector-kit';
import { SMS_DLR_RAW, type SmsDlrRawEvent } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { EventPublisher, describeError } from '@tuxhat/messaging';
import { CLOCK, type Clock, PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import { CarrierClients } from './carrier-clients.service';
import { DeliveryStatusCursors } from './delivery-status-cursors.repository';
import { deliveryReceiptOf, deliveryStatusLogGroups } from './delivery-status';
import { SNS_CARRIER_CHECKS, type SnsCarrier } from './sns-carrier.repository';
import { awsClientConfigFor } from './sns-client.factory';
import { SNS_CONNECTOR_OPTIONS, type SnsConnectorOptions } from './sns-connector.options';

/**
 * How far back of its cursor each read of a group starts: CloudWatch filters by the time SNS
 * wrote a status, and a status may become readable a little after statuses written later.
 */
export const LATE_STATUS_MS = 30_000;
/** The first read of a group starts this long before (the statuses of messages just sent). */
const FIRST_READ_LOOKBACK_MS = 5 * 60_000;
const DEFAULT_POLL_SECONDS = 10;
/** The longest wait before reading a group again after a failure. */
const MAX_BACKOFF_MS = 5 * 60_000;

/** A delivery status log group this pod reads (when it holds its lease). */
interface GroupReader {
  readonly logGroup: string;
  /** The held carrier whose region, endpoint and credentials read the group (the first by id). */
  readonly carrier: SnsCarrier;
  readonly client: CloudWatchLogsClient;
  readonly pollMs: number;
  nextReadAt: number;
  failures: number;
  /** Statuses published by this pod that a later read may meet again: message id -> written at. */
  readonly published: Map<string, number>;
  /** Log events warned about as not statuses, likewise: stream and event id -> written at. */
  readonly skipped: Map<string, number>;
}

/**
 * Delivery receipts of SNS carriers. SNS reports an SMS's fate only to CloudWatch Logs (the
 * account's SMS delivery status logging): every `pollSeconds` this reads the log groups of each
 * carrier with `deliveryStatus` that the pod serves and turns each status into sms.dlr.raw,
 * which the dlr matches to the message by the MessageId Publish answered, as it matches an SMPP
 * receipt. One pod at a time reads a group (a lease in sns_delivery_status_cursors, renewed at
 * each read); its cursor moves forward only once the statuses before it are durable on the bus,
 * so a crash reads them again, as the same events. Carriers on one account (one log group) read
 * it once, for all of them.
 */
@Injectable()
export class DeliveryStatusPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('sns-connector');
  private readonly readers = new Map<string, GroupReader>();
  /** This pod (its name on Kubernetes), and this run of it: a restarted pod claims anew. */
  private readonly owner = `${defaultInstanceId()}/${randomUUID().slice(0, 8)}`;
  private readonly sweep: PeriodicSweep<void>;

  constructor(
    private readonly clients: CarrierClients,
    private readonly cursors: DeliveryStatusCursors,
    private readonly publisher: EventPublisher,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.readDueGroups(),
      intervalMs: options.configPollMs ?? 1_000,
      firstDelayMs: 0,
      logger: this.logger,
      failureMessage: 'delivery status logs not read (tried again)',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep.stop();
    const groups = [...this.readers.keys()];
    for (const reader of this.readers.values()) reader.client.destroy();
    this.readers.clear();
    await this.cursors
      .release(groups, this.owner)
      .catch((error: unknown) =>
        this.logger.warn(
          `delivery status leases not released (they lapse): ${describeError(error)}`,
        ),
      );
  }

  /** Follows the served carriers' groups, then reads those due. */
  private async readDueGroups(): Promise<void> {
    await this.follow();
    const now = this.clock.now().getTime();
    const due = [...this.readers.values()].filter((reader) => reader.nextReadAt <= now);
    if (due.length === 0) return;
    const readingCarriers = await this.carriersByGroup();
    for (const reader of due) {
      await this.readGroup(reader, readingCarriers.get(reader.logGroup) ?? [reader.carrier.id]);
    }
  }

  /** A reader per log group of the held carriers with `deliveryStatus`; the others are dropped. */
  private async follow(): Promise<void> {
    const wanted = new Map<string, SnsCarrier[]>();
    for (const carrier of this.clients.runningCarriers()) {
      for (const group of deliveryStatusLogGroups(carrier)) {
        wanted.set(group, [...(wanted.get(group) ?? []), carrier]);
      }
    }
    const dropped: string[] = [];
    for (const [group, reader] of [...this.readers]) {
      const carriers = wanted.get(group);
      if (!carriers || !this.fits(reader, carriers)) {
        this.readers.delete(group);
        reader.client.destroy();
        if (!carriers) dropped.push(group);
      }
    }
    await this.cursors.release(dropped, this.owner);
    for (const [group, carriers] of wanted) {
      if (!this.readers.has(group)) this.readers.set(group, this.readerFor(group, carriers));
    }
  }

  private readerFor(logGroup: string, carriers: readonly SnsCarrier[]): GroupReader {
    const carrier = firstById(carriers);
    const requestTimeoutMs = this.options.requestTimeoutMs ?? 10_000;
    return {
      logGroup,
      carrier,
      client: new CloudWatchLogsClient(awsClientConfigFor(carrier, requestTimeoutMs)),
      pollMs: pollMsOf(carriers),
      nextReadAt: 0,
      failures: 0,
      published: new Map(),
      skipped: new Map(),
    };
  }

  /** Whether a reader still reads as the carriers now say (same carrier, settings and pace). */
  private fits(reader: GroupReader, carriers: readonly SnsCarrier[]): boolean {
    const first = firstById(carriers);
    return (
      first.id === reader.carrier.id &&
      isDeepStrictEqual(first.settings, reader.carrier.settings) &&
      pollMsOf(carriers) === reader.pollMs
    );
  }

  /**
   * One read of a group, when this pod holds (or gets) its lease: every status written since a
   * little before the cursor, page by page, each page published durably before the next; the
   * cursor then moves to the newest status read. A failure is warned about and retried later,
   * doubling the wait up to 5 minutes.
   */
  private async readGroup(reader: GroupReader, accountCarrierIds: string[]): Promise<void> {
    const now = this.clock.now().getTime();
    const leaseMs = Math.max(30_000, 3 * reader.pollMs);
    try {
      const cursor = await this.cursors.claim(
        reader.logGroup,
        this.owner,
        leaseMs,
        new Date(now - FIRST_READ_LOOKBACK_MS),
      );
      if (cursor) await this.readFrom(reader, cursor, leaseMs, accountCarrierIds);
      reader.failures = 0;
      reader.nextReadAt = now + reader.pollMs;
    } catch (error) {
      const waitMs = Math.min(MAX_BACKOFF_MS, reader.pollMs * 2 ** reader.failures++);
      reader.nextReadAt = now + waitMs;
      this.logger.warn(
        `carrier ${reader.carrier.id}: delivery status not read from ${reader.logGroup} (tried again in ${waitMs} ms): ${describeError(error)}`,
      );
    }
  }

  /**
   * A long read (a pod catching up after an outage) renews its lease with every page, and stops
   * when another pod took the group over meanwhile; what it remembers of the statuses it
   * published is bounded by the time the next read starts from, not by the length of the read.
   */
  private async readFrom(
    reader: GroupReader,
    cursor: Date,
    leaseMs: number,
    accountCarrierIds: string[],
  ): Promise<void> {
    const startTime = cursor.getTime() - LATE_STATUS_MS;
    forgetBefore(reader, startTime);
    let newest = cursor.getTime();
    let unreadable = 0;
    let nextToken: string | undefined;
    do {
      let page;
      try {
        page = await reader.client.send(
          new FilterLogEventsCommand({
            logGroupName: reader.logGroup,
            startTime,
            nextToken,
            limit: this.options.deliveryStatusPageSize,
          }),
        );
      } catch (error) {
        // The failure group exists from the account's first failed SMS on.
        if (error instanceof ResourceNotFoundException) return;
        throw error;
      }
      const receipts: SmsDlrRawEvent[] = [];
      const now = this.clock.now();
      for (const logEvent of page.events ?? []) {
        if (logEvent.message === undefined || logEvent.timestamp === undefined) continue;
        newest = Math.max(newest, logEvent.timestamp);
        const mapped = deliveryReceiptOf(
          reader.carrier.id,
          reader.logGroup,
          { message: logEvent.message, timestamp: logEvent.timestamp },
          accountCarrierIds,
          now,
        );
        if (!mapped.ok) {
          // Warned about once, though the reads that start before the cursor meet it again.
          const key = `${logEvent.logStreamName ?? ''}/${logEvent.eventId ?? ''}`;
          if (!reader.skipped.has(key)) unreadable++;
          reader.skipped.set(key, logEvent.timestamp);
          continue;
        }
        if (reader.published.has(mapped.event.carrierMessageId)) continue;
        receipts.push(mapped.event);
        reader.published.set(mapped.event.carrierMessageId, logEvent.timestamp);
      }
      try {
        await this.publisher.publishAllDurably(SMS_DLR_RAW, receipts);
      } catch (error) {
        for (const receipt of receipts) reader.published.delete(receipt.carrierMessageId);
        throw error;
      }
      nextToken = page.nextToken;
      forgetBefore(reader, newest - LATE_STATUS_MS);
      if (nextToken && !(await this.cursors.claim(reader.logGroup, this.owner, leaseMs, cursor))) {
        return;
      }
    } while (nextToken);
    if (unreadable > 0) {
      this.logger.warn(
        `carrier ${reader.carrier.id}: ${unreadable} log event(s) of ${reader.logGroup} are not SMS delivery statuses; skipped`,
      );
    }
    await this.cursors.advance(reader.logGroup, this.owner, new Date(newest));
  }

  /**
   * Per log group, every SNS carrier of the table whose statuses it holds (same account and
   * region), whichever pod holds it and enabled or not: a receipt matches a message any of them
   * sent. One read of the table for all the groups due.
   */
  private async carriersByGroup(): Promise<Map<string, string[]>> {
    const byGroup = new Map<string, string[]>();
    for (const row of await readCarrierRows(this.prisma, 'sns', 'all')) {
      const check = checkCarrierRow(row, SNS_CARRIER_CHECKS);
      if (!check.ok) continue;
      for (const group of deliveryStatusLogGroups(check.carrier)) {
        byGroup.set(group, [...(byGroup.get(group) ?? []), row.id]);
      }
    }
    return byGroup;
  }
}

/** Forgets the statuses (and skipped lines) written before the time reads start from. */
function forgetBefore(reader: GroupReader, time: number): void {
  for (const seen of [reader.published, reader.skipped]) {
    for (const [key, writtenAt] of seen) if (writtenAt < time) seen.delete(key);
  }
}

/** The group's carrier that reads it: the same in every pod serving the same carriers. */
function firstById(carriers: readonly SnsCarrier[]): SnsCarrier {
  return [...carriers].sort((a, b) => a.id.localeCompare(b.id))[0];
}

/** The fastest pace any of the group's carriers asks for. */
function pollMsOf(carriers: readonly SnsCarrier[]): number {
  return Math.min(
    ...carriers.map(
      (carrier) => (carrier.settings.deliveryStatus?.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1_000,
    ),
  );
}
