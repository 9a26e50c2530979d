import { isDeepStrictEqual } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { SMS_MO_RAW } from '@tuxhat/contracts';
import { EventPublisher, describeError } from '@tuxhat/messaging';
import { CLOCK, type Clock, PeriodicSweep } from '@tuxhat/runtime';

import { CarrierClients } from './carrier-clients.service';
import { inboundSmsEventOf } from './inbound-sms';
import type { SnsCarrier } from './sns-carrier.repository';
import { awsClientConfigFor } from './sns-client.factory';
import { SNS_CONNECTOR_OPTIONS, type SnsConnectorOptions } from './sns-connector.options';

/** A carrier's queue being read. */
interface InboundLoop {
  readonly carrier: SnsCarrier;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}

/** Unreadable messages warned about, by SQS message id (each is warned about once). */
const WARNED_MAX = 1_000;
/** The longest wait before receiving again after a failure. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Two-way SMS over AWS: for each carrier this pod serves with `inbound` settings, a loop
 * long-polls its SQS queue (the one subscribed to the SNS topic AWS publishes the number's
 * inbound SMS to) and turns each message into sms.mo.raw, which the dlr routes by short code
 * and keyword like an MO from SMPP. A message is deleted from the queue only once its event
 * is durable (EventPublisher.publishDurably); one that fails stays, and SQS hands it out again
 * after its visibility timeout. One that is not an inbound SMS stays too, warned about once:
 * the queue's redrive policy (maxReceiveCount) moves it to its dead-letter queue, never lost.
 *
 * Every pod of the connector reads the same queues: SQS gives each message to one of them at a
 * time. Carriers added, changed or disabled while the pod runs are followed each second.
 */
@Injectable()
export class InboundSmsPoller implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('sns-connector');
  private readonly loops = new Map<string, InboundLoop>();
  private readonly warned = new Set<string>();
  private readonly sweep: PeriodicSweep<void>;

  constructor(
    private readonly clients: CarrierClients,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.follow(),
      intervalMs: options.configPollMs ?? 1_000,
      firstDelayMs: 0,
      logger: this.logger,
      failureMessage: 'inbound SMS queues not followed (tried again)',
    });
  }

  onApplicationBootstrap(): void {
    this.sweep.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep.stop();
    await Promise.all([...this.loops.keys()].map((id) => this.stopLoop(id)));
  }

  /** Starts a loop for each served carrier with `inbound`, and ends those no longer wanted. */
  private async follow(): Promise<void> {
    const wanted = new Map<string, SnsCarrier>();
    for (const carrier of this.clients.runningCarriers()) {
      if (carrier.settings.inbound) wanted.set(carrier.id, carrier);
    }
    for (const [id, loop] of [...this.loops]) {
      const carrier = wanted.get(id);
      if (!carrier || !isDeepStrictEqual(carrier.settings, loop.carrier.settings)) {
        await this.stopLoop(id);
      }
    }
    for (const [id, carrier] of wanted) {
      if (!this.loops.has(id)) this.startLoop(carrier);
    }
  }

  private startLoop(carrier: SnsCarrier): void {
    const { queueUrl, waitSeconds = 20 } = carrier.settings.inbound!;
    // A long poll holds its request for waitSeconds: the timeout comes on top of that.
    const requestTimeoutMs = waitSeconds * 1_000 + (this.options.requestTimeoutMs ?? 10_000);
    const client = new SQSClient(awsClientConfigFor(carrier, requestTimeoutMs));
    const abort = new AbortController();
    const done = this.receive(carrier, client, abort.signal).finally(() => client.destroy());
    this.loops.set(carrier.id, { carrier, abort, done });
    this.logger.log(`carrier ${carrier.id}: receiving inbound SMS from ${queueUrl}`);
  }

  private async stopLoop(carrierId: string): Promise<void> {
    const loop = this.loops.get(carrierId);
    if (!loop) return;
    this.loops.delete(carrierId);
    loop.abort.abort();
    await loop.done;
  }

  /** Receives, publishes and deletes until aborted; a failure waits (doubling, up to 30 s). */
  private async receive(carrier: SnsCarrier, client: SQSClient, signal: AbortSignal) {
    const { queueUrl, waitSeconds = 20 } = carrier.settings.inbound!;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: waitSeconds,
          }),
          { abortSignal: signal },
        );
        await this.handle(carrier, client, received.Messages ?? []);
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        const waitMs = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** failures++);
        this.logger.warn(
          `carrier ${carrier.id}: inbound SMS not received from ${queueUrl} (tried again in ${waitMs} ms): ${describeError(error)}`,
        );
        await sleep(waitMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Publishes the readable messages durably, then deletes those from the queue in one call. */
  private async handle(carrier: SnsCarrier, client: SQSClient, messages: readonly Message[]) {
    const now = this.clock.now();
    const published = await Promise.all(
      messages.map(async (message) => {
        const read = inboundSmsEventOf(carrier.id, message.Body ?? '', now);
        if (!read.ok) {
          this.warnUnreadable(carrier, message, read.reason);
          return undefined;
        }
        try {
          await this.publisher.publishDurably(SMS_MO_RAW, read.event);
          return message;
        } catch (error) {
          this.logger.warn(
            `carrier ${carrier.id}: inbound SMS ${message.MessageId ?? '?'} not published, left in the queue for SQS to hand out again: ${describeError(error)}`,
          );
          return undefined;
        }
      }),
    );
    const entries = published.flatMap((message, index) =>
      message?.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: message.ReceiptHandle }] : [],
    );
    if (entries.length === 0) return;
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: carrier.settings.inbound!.queueUrl,
        Entries: entries,
      }),
    );
    // Not deleted: handed out again later, and published again as the same event (same id).
    for (const failure of deleted.Failed ?? []) {
      this.logger.warn(
        `carrier ${carrier.id}: an inbound SMS published but not deleted from the queue (it comes again, as the same event): ${failure.Code ?? '?'} ${failure.Message ?? ''}`,
      );
    }
  }

  private warnUnreadable(carrier: SnsCarrier, message: Message, reason: string): void {
    const id = message.MessageId ?? '?';
    if (this.warned.has(id)) return;
    if (this.warned.size >= WARNED_MAX) this.warned.clear();
    this.warned.add(id);
    this.logger.warn(
      `carrier ${carrier.id}: SQS message ${id} is not an inbound SMS (${reason}); left in the queue, whose redrive policy moves it to its dead-letter queue`,
    );
  }
}
