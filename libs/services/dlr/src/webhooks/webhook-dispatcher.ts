import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { deterministicUuid } from '@tuxhat/contracts';
import { describeError } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { DlrConfig } from '../config/dlr-config';
import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { retryDelayMs } from './retry-backoff';
import {
  type DeliveryJob,
  type NewDeliveryRow,
  type WebhookKind,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature';
import { WebhookClient } from './webhook.client';

/** A webhook call to make: a status callback, an MO, or a trigger's call. */
export interface WebhookRequest {
  /** Whose endpoint: decides the signing secret and the concurrency lane ("*" for operators). */
  readonly tenantId: string;
  readonly kind: WebhookKind;
  /** The event the body carries; with the URL it names the delivery (replays add nothing). */
  readonly eventId: string;
  readonly url: string;
  readonly body: string;
}

interface TenantLane {
  readonly queue: DeliveryJob[];
  inFlight: number;
}

interface Failure {
  readonly job: DeliveryJob;
  readonly error: string;
  readonly statusCode: number | null;
}

/**
 * Delivers webhooks: the first attempt starts as soon as the delivery is in the outbox table,
 * retries come from the table (exponential back-off, until the delivery's give-up time).
 *
 * Isolation: every tenant has its own lane with `perTenantConcurrency` requests in flight and
 * at most `maxQueuedPerTenant` held in memory; what does not fit stays in the table for the
 * poller, which claims only for tenants with room. A slow or dead endpoint fills its own lane
 * and nobody else's.
 *
 * Exactly-once per delivery, as far as HTTP allows: a delivery is attempted only while this
 * instance holds its lease (long enough for its queue wait and one request), and is marked
 * delivered on the first 2xx; an attempt whose answer was lost (timeout after the receiver
 * processed it) is retried, so receivers de-duplicate on the event id (X-TuxHat-Event-Id).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly RESULT_LINGER_MS = 10;
  private readonly logger = new Logger('dlr/webhooks');
  private readonly client: WebhookClient;
  private readonly lanes = new Map<string, TenantLane>();
  private readonly running = new Set<Promise<void>>();
  private delivered: string[] = [];
  private readonly metrics = processMetrics();
  private failures: Failure[] = [];
  private writing: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private pollAgain = false;
  /** Tenants with deliveries waiting in the table for room in their lane. */
  private readonly backlog = new Set<string>();

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly config: DlrConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {
    const webhook = options.webhook;
    this.client = new WebhookClient({
      timeoutMs: webhook.timeoutMs,
      maxSocketsPerOrigin: webhook.maxSocketsPerOrigin,
    });
  }

  /**
   * A lease long enough for a job behind `load` others in its lane to be attempted even if
   * every request before it times out, plus its own request: a job is never attempted after
   * its lease could have lapsed. In normal operation the job is done long before; only after a
   * crash does a delivery wait for its lease to end before another instance takes it.
   */
  private leaseMsAt(load: number): number {
    const { timeoutMs, perTenantConcurrency } = this.options.webhook;
    return timeoutMs * (Math.ceil(Math.max(1, load) / perTenantConcurrency) + 1);
  }

  onApplicationBootstrap(): void {
    this.schedulePoll(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.polling;
    const queued = [...this.lanes.values()].flatMap((lane) => lane.queue.splice(0));
    await Promise.allSettled([...this.running]);
    await this.flushResults();
    await this.deliveries
      .release(
        queued.map((job) => job.id),
        this.clock.now(),
      )
      .catch((error: unknown) => {
        this.logger.warn(
          `could not release ${queued.length} queued deliveries: ${describeError(error)}`,
        );
      });
    this.client.close();
  }

  /**
   * Stores the deliveries in the outbox (one statement) and starts their first attempt at once,
   * for tenants with room in their lane. Resolves when they are stored, not delivered.
   */
  async submit(requests: readonly WebhookRequest[]): Promise<void> {
    if (requests.length === 0) return;
    const now = this.clock.now();
    const giveUpAt = new Date(now.getTime() + this.options.webhook.maxAgeMs);
    const reserved = new Map<string, number>();
    const rows: NewDeliveryRow[] = requests.map((request) => {
      const used = reserved.get(request.tenantId) ?? 0;
      const immediate = !this.stopped && used < this.roomOf(request.tenantId);
      if (immediate) reserved.set(request.tenantId, used + 1);
      else this.backlog.add(request.tenantId);
      const leaseUntil = immediate
        ? new Date(now.getTime() + this.leaseMsAt(this.loadOf(request.tenantId) + used + 1))
        : null;
      return {
        id: deliveryId(request),
        tenantId: request.tenantId,
        kind: request.kind,
        eventId: request.eventId,
        url: request.url,
        payload: request.body,
        nextAttemptAt: leaseUntil ?? now,
        leaseUntil,
        giveUpAt,
      };
    });
    const inserted = await this.deliveries.insert(rows);
    for (const row of rows) {
      if (!row.leaseUntil || !inserted.has(row.id)) continue;
      this.enqueue({
        id: row.id,
        tenantId: row.tenantId,
        eventId: row.eventId,
        url: row.url,
        payload: row.payload,
        attempts: 0,
        leaseUntil: row.leaseUntil,
      });
    }
  }

  /**
   * Claims due deliveries now: retries, and what did not fit in a lane (tests call it; the
   * poller runs it on its schedule, and at once when a lane with a backlog has room again).
   */
  async pollOnce(): Promise<number> {
    const now = this.clock.now();
    const busy = [...this.lanes].filter(([tenant]) => this.roomOf(tenant) <= 0).map(([t]) => t);
    const room = new Map<string, number>();
    const jobs = await this.deliveries.claimDue({
      now,
      limit: this.options.webhook.pollBatchSize,
      leaseUntil: new Date(now.getTime() + this.leaseMsAt(this.options.webhook.maxQueuedPerTenant)),
      skipTenants: busy,
      roomOf: (tenant) => {
        room.set(tenant, this.roomOf(tenant));
        return this.roomOf(tenant);
      },
    });
    const claimed = new Map<string, number>();
    for (const job of jobs) claimed.set(job.tenantId, (claimed.get(job.tenantId) ?? 0) + 1);
    // A tenant that got fewer than it had room for has nothing more due in the table.
    for (const tenant of this.backlog) {
      if ((claimed.get(tenant) ?? 0) < (room.get(tenant) ?? Infinity)) this.backlog.delete(tenant);
    }
    for (const job of jobs) this.enqueue(job);
    return jobs.length;
  }

  /** Poll as soon as the current poll (if any) is done. */
  private pollSoon(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.schedulePoll(0);
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.pollOnce()
        .then((claimed) => {
          const again = this.pollAgain || claimed >= this.options.webhook.pollBatchSize;
          this.pollAgain = false;
          this.schedulePoll(again ? 0 : this.options.webhook.pollMs);
        })
        .catch((error: unknown) => {
          this.logger.warn(`claiming due webhook deliveries failed: ${describeError(error)}`);
          this.schedulePoll(this.options.webhook.pollMs);
        })
        .finally(() => {
          this.polling = null;
        });
    }, delayMs);
    this.pollTimer.unref();
  }

  private loadOf(tenantId: string): number {
    const lane = this.lanes.get(tenantId);
    return lane ? lane.queue.length + lane.inFlight : 0;
  }

  private roomOf(tenantId: string): number {
    return this.options.webhook.maxQueuedPerTenant - this.loadOf(tenantId);
  }

  private enqueue(job: DeliveryJob): void {
    let lane = this.lanes.get(job.tenantId);
    if (!lane) {
      lane = { queue: [], inFlight: 0 };
      this.lanes.set(job.tenantId, lane);
    }
    lane.queue.push(job);
    this.pump(job.tenantId, lane);
  }

  private pump(tenantId: string, lane: TenantLane): void {
    while (!this.stopped && lane.inFlight < this.options.webhook.perTenantConcurrency) {
      const job = lane.queue.shift();
      if (!job) break;
      lane.inFlight++;
      const attempt = this.attempt(job).finally(() => {
        lane.inFlight--;
        this.running.delete(attempt);
        if (lane.inFlight === 0 && lane.queue.length === 0) this.lanes.delete(tenantId);
        else this.pump(tenantId, lane);
        // Half the lane free and more waiting in the table: fetch it now, not at the next poll.
        if (
          this.backlog.has(tenantId) &&
          this.loadOf(tenantId) <= this.options.webhook.maxQueuedPerTenant / 2
        ) {
          this.pollSoon();
        }
      });
      this.running.add(attempt);
    }
  }

  private async attempt(job: DeliveryJob): Promise<void> {
    const now = this.clock.now();
    // Not enough lease left for one more request: leave it to whoever claims it next.
    if (job.leaseUntil.getTime() - now.getTime() <= this.options.webhook.timeoutMs) return;
    const headers: Record<string, string> = {
      'x-tuxhat-event-id': job.eventId,
      'x-tuxhat-delivery-id': job.id,
      'x-tuxhat-attempt': String(job.attempts + 1),
    };
    const secrets = this.config.signingSecrets(job.tenantId, now);
    if (secrets.length > 0) headers[SIGNATURE_HEADER] = signWebhook(job.payload, secrets, now);
    let delivered = false;
    try {
      const response = await this.client.post(job.url, job.payload, headers);
      delivered = response.status >= 200 && response.status < 300;
      if (delivered) this.delivered.push(job.id);
      else
        this.failures.push({ job, error: `HTTP ${response.status}`, statusCode: response.status });
    } catch (error) {
      this.failures.push({ job, error: describeError(error), statusCode: null });
    }
    this.metrics.increment(METRICS.webhookDeliveries, {
      tenant: job.tenantId,
      outcome: delivered ? 'delivered' : 'retried',
    });
    void this.writeResults();
  }

  /** Group commit of attempt results: while one write runs, the next results gather. */
  private writeResults(): Promise<void> {
    this.writing ??= (async () => {
      // A short linger lets the results of many concurrent attempts share one statement (the
      // tenant already has its callback; only the bookkeeping waits).
      await new Promise<void>((resolve) => setTimeout(resolve, WebhookDispatcher.RESULT_LINGER_MS));
      try {
        while (this.delivered.length > 0 || this.failures.length > 0) {
          const delivered = this.delivered.splice(0);
          const failures = this.failures.splice(0);
          await this.persist(delivered, failures);
        }
      } catch (error) {
        // The leases lapse and the deliveries are attempted again: at-least-once, never lost.
        this.logger.error(`recording webhook results failed: ${describeError(error)}`);
      } finally {
        this.writing = null;
      }
    })();
    return this.writing;
  }

  private async flushResults(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.delivered.length > 0 || this.failures.length > 0) await this.writeResults();
  }

  private async persist(delivered: string[], failures: Failure[]): Promise<void> {
    const now = this.clock.now();
    await this.deliveries.markDelivered(delivered, now);
    const groups = new Map<
      string,
      { failures: number; error: string; statusCode: number | null; ids: string[] }
    >();
    for (const failure of failures) {
      const failuresSoFar = failure.job.attempts + 1;
      const key = `${failuresSoFar}\n${failure.statusCode ?? ''}\n${failure.error}`;
      const group = groups.get(key) ?? {
        failures: failuresSoFar,
        error: failure.error,
        statusCode: failure.statusCode,
        ids: [],
      };
      group.ids.push(failure.job.id);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      const delay = retryDelayMs(
        group.failures,
        this.options.webhook.retryBaseMs,
        this.options.webhook.retryMaxMs,
      );
      await this.deliveries.markFailed({
        ids: group.ids,
        nextAttemptAt: new Date(now.getTime() + delay),
        error: group.error,
        statusCode: group.statusCode,
      });
    }
  }
}

export function deliveryId(request: Pick<WebhookRequest, 'kind' | 'eventId' | 'url'>): string {
  return deterministicUuid(`webhook/${request.kind}/${request.eventId}/${request.url}`);
}
