import { Injectable } from '@nestjs/common';
import {
  TENANT_STATUS,
  type SmsStatusEvent,
  type TenantStatusEvent,
  physicalTopicOf,
} from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';

import { DlrConfig } from '../config/dlr-config';
import { type CallbackInfo, MessagesRepository } from '../messages.repository';
import { type WebhookRequest, WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { TenantTopics } from './tenant-topics';

/** Statuses remembered as handed over (normally forgotten within a batch or two). */
const HANDED_OVER_MAX = 100_000;

/**
 * Customized DLR paths: every status of a tenant's message goes where the tenant asked, per
 * batch of statuses (StatusFanoutConsumer's sms.status batches; the receipt path's final
 * statuses directly, see OutcomeService):
 *
 * - webhooks: the message's callbackUrl when it has one, else the tenant's webhook paths
 *   (stored in the outbox in one statement, first attempt at once, retried from there);
 * - the tenant's own Kafka topic (tenant.<tenant>.status.v1), created on demand;
 * - the gRPC status stream is ingress's: it consumes sms.status itself.
 *
 * A path's status filter applies to the per-message callback too (the tenant's webhook
 * filter, or every status when the tenant has no webhook path).
 */
@Injectable()
export class StatusFanout {
  private readonly handed = new Set<string>();

  constructor(
    private readonly config: DlrConfig,
    private readonly messages: MessagesRepository,
    private readonly webhooks: WebhookDispatcher,
    private readonly tenantTopics: TenantTopics,
    private readonly publisher: EventPublisher,
  ) {}

  /**
   * deliver(), for statuses about to be published by this instance: its StatusFanoutConsumer
   * then skips them (the receipt path calls it so that a final status does not queue a second
   * time behind everything else in this service's consumer before its webhook starts).
   */
  async deliverBeforePublishing(events: readonly SmsStatusEvent[]): Promise<void> {
    await this.deliver(events);
    for (const event of events) this.handed.add(event.eventId);
    // Oldest first out (a Set keeps insertion order): only statuses never consumed stay.
    for (const eventId of this.handed) {
      if (this.handed.size <= HANDED_OVER_MAX) break;
      this.handed.delete(eventId);
    }
  }

  /** Whether this instance delivered the status before publishing it (asked once per event). */
  handedOver(eventId: string): boolean {
    return this.handed.delete(eventId);
  }

  /**
   * Stores the webhook deliveries of these statuses (first attempts start at once) and
   * publishes them to tenant topics; resolves once the deliveries are durable. Idempotent:
   * delivery ids derive from the status event id and the URL, so a status handed over twice
   * (a replay, or by the receipt path and the consumer both) is delivered once.
   */
  async deliver(events: readonly SmsStatusEvent[]): Promise<void> {
    if (events.length === 0) return;
    const unique = [...new Map(events.map((event) => [event.eventId, event])).values()];
    // A status no path and no callback can want (e.g. `sent` when the tenant's webhook takes
    // final statuses only) goes nowhere whatever its message says: it needs no lookup.
    const wanted = unique.flatMap((event) => {
      const paths = this.config.pathsFor(event.tenantId, event.status);
      const webhookPaths = paths.filter((path) => path.kind === 'webhook' && path.url);
      const wantsTopic = paths.some((path) => path.kind === 'kafka');
      const wantsCallback = callbackWanted(this.config, event);
      return webhookPaths.length > 0 || wantsTopic || wantsCallback
        ? [{ event, webhookPaths, wantsTopic, wantsCallback }]
        : [];
    });
    const info = await this.messages.callbackInfo([
      ...new Set(wanted.map(({ event }) => event.messageId)),
    ]);
    const calls: WebhookRequest[] = [];
    const records: TenantStatusEvent[] = [];
    for (const { event, webhookPaths, wantsTopic, wantsCallback } of wanted) {
      const message = info.get(event.messageId);
      const urls = message?.callbackUrl
        ? wantsCallback
          ? [message.callbackUrl]
          : []
        : webhookPaths.map((path) => path.url!);
      if (urls.length === 0 && !wantsTopic) continue;
      const payload = tenantStatusOf(event, message);
      if (wantsTopic) records.push(payload);
      const body = JSON.stringify(payload);
      for (const url of new Set(urls)) {
        calls.push({ tenantId: event.tenantId, kind: 'status', eventId: event.eventId, url, body });
      }
    }
    if (records.length > 0) {
      await this.tenantTopics.ensure(
        records.map((record) => physicalTopicOf(TENANT_STATUS, record)),
      );
    }
    await Promise.all([
      this.webhooks.submit(calls),
      ...records.map((record) => this.publisher.publish(TENANT_STATUS, record)),
    ]);
  }
}

/**
 * A message's own callback follows the tenant's webhook status filter; with no webhook path
 * (only a Kafka one, or none) every status goes to it.
 */
function callbackWanted(config: DlrConfig, event: SmsStatusEvent): boolean {
  const all = config.current.pathsByTenant.get(event.tenantId) ?? [];
  const webhooks = all.filter((path) => path.kind === 'webhook');
  return (
    webhooks.length === 0 ||
    webhooks.some((path) => path.statuses.length === 0 || path.statuses.includes(event.status))
  );
}

export function tenantStatusOf(event: SmsStatusEvent, message?: CallbackInfo): TenantStatusEvent {
  return {
    version: 1,
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    type: 'message.status',
    messageId: event.messageId,
    tenantId: event.tenantId,
    status: event.status,
    ...(event.detail ? { detail: event.detail } : {}),
    ...(event.errorCode ? { errorCode: event.errorCode } : {}),
    ...(message?.clientReference ? { clientReference: message.clientReference } : {}),
    ...(message?.metadata ? { metadata: message.metadata } : {}),
  };
}
