import { Inject, Injectable } from '@nestjs/common';
import {
  SMS_REROUTE,
  SMS_SENT,
  SMS_STATUS,
  type SmsOutboundEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { EventPublisher, describeError } from '@tuxhat/messaging';
import {
  type BoundCounter,
  type BoundHistogram,
  METRICS,
  processMetrics,
} from '@tuxhat/observability';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { CarrierHasItError } from './carrier-has-it.error';
import type { Unserved } from './carrier-watcher';
import { RecentOutcomes } from './recent-outcomes';

/** The connector's name, as sms.status `source` and sms.reroute `source`. */
export const CONNECTOR_SOURCE = Symbol('tuxhat:connector-kit:source');

export interface SentPart {
  readonly partIndex: number;
  readonly carrierMessageId: string;
}

/**
 * How a connector tells the rest of the gateway what became of an outbound message, and
 * remembers it (RecentOutcomes) so a replay of the event is recognised. Every event's id is
 * derived from the outbound event: a redelivered outbound event produces the very same events.
 */
@Injectable()
export class ConnectorReporter {
  private readonly metrics = processMetrics();
  /** Per-message counters and histograms bound once per label set (no label hashing per message). */
  private readonly messageCounters = new Map<string, BoundCounter>();
  private readonly submitCounters = new Map<string, BoundCounter>();
  private readonly latencies = new Map<string, BoundHistogram>();

  constructor(
    private readonly publisher: EventPublisher,
    private readonly recent: RecentOutcomes,
    @Inject(CONNECTOR_SOURCE) private readonly source: string,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The carrier took every part: sms.sent with each part's carrier message id. */
  async sent(event: SmsOutboundEvent, parts: readonly SentPart[]): Promise<void> {
    await this.carrierHasIt(event, 'sms.sent', () =>
      this.publisher.publish(SMS_SENT, {
        ...derivedEnvelope(event.eventId, 'sent', this.clock.now()),
        messageId: event.message.messageId,
        tenantId: event.message.tenantId,
        carrierId: event.carrierId,
        routeId: event.routeId,
        parts: [...parts].sort((a, b) => a.partIndex - b.partIndex),
      }),
    );
    this.remember(event, 'sent');
    this.count(event, 'sent', 'accepted');
  }

  /** Sent, but without an id no receipt can ever match: the message ends `unknown`. */
  async unknown(event: SmsOutboundEvent, detail: string): Promise<void> {
    await this.carrierHasIt(event, 'its unknown status', () =>
      this.status(event, 'unknown', detail),
    );
    this.remember(event, 'unknown');
    this.count(event, 'unknown', 'unidentified');
  }

  /** The carrier refused the message for good: `failed` with its error code. */
  async failed(event: SmsOutboundEvent, errorCode: string, detail: string): Promise<void> {
    await this.status(event, 'failed', detail, errorCode);
    this.remember(event, 'failed');
    this.count(event, 'failed', 'rejected');
  }

  /** The message's validity ended before it reached a carrier: it is not sent at all. */
  async expired(event: SmsOutboundEvent): Promise<void> {
    await this.status(
      event,
      'expired',
      `validity ended at ${event.message.validUntil ?? '?'} before the message reached a carrier`,
    );
    this.remember(event, 'failed');
    this.count(event, 'expired');
  }

  /**
   * A message for a carrier the pod does not serve (CarrierWatcher.unserved: its settings
   * rejected, or since disabled or removed), routed there before routing learnt it: back to
   * routing, which tries another carrier or waits for one. Never sent, so it may go to any.
   */
  notTakenUp(event: SmsOutboundEvent, unserved: Unserved): Promise<void> {
    const carrier = `carrier ${event.carrierId} not taken up by this ${this.source}`;
    return unserved.kind === 'rejected'
      ? this.reroute(event, `${carrier}, settings rejected: ${unserved.problems}`, {
          errorCode: 'CARRIER_NOT_TAKEN_UP',
          mayHaveReached: false,
        })
      : this.reroute(
          event,
          `${carrier}: ${unserved.kind === 'disabled' ? 'disabled in' : 'removed from'} the carriers table`,
          { errorCode: 'CARRIER_DISABLED', mayHaveReached: false },
        );
  }

  /**
   * This carrier cannot deliver the message and another may: sms.reroute asks routing for the
   * next candidate. `mayHaveReached` (a timeout, a connection lost while waiting) keeps this
   * carrier from ever getting the message again from this pod.
   */
  async reroute(
    event: SmsOutboundEvent,
    reason: string,
    options: { readonly errorCode?: string; readonly mayHaveReached: boolean },
  ): Promise<void> {
    const tried = new Set([...(event.triedCarriers ?? []), event.carrierId]);
    await this.publisher.publish(SMS_REROUTE, {
      ...derivedEnvelope(event.eventId, 'reroute', this.clock.now()),
      message: event.message,
      carrierId: event.carrierId,
      routeId: event.routeId,
      attempt: event.attempt,
      triedCarriers: [...tried],
      reason: reason.slice(0, 512),
      ...(options.errorCode ? { errorCode: options.errorCode.slice(0, 32) } : {}),
      mayHaveReached: options.mayHaveReached,
      source: this.source,
    });
    this.recent.remember(event.message.messageId, {
      outcome: 'rerouted',
      carrierId: event.carrierId,
      attempt: event.attempt,
      mayHaveReached: options.mayHaveReached,
    });
    this.count(event, 'rerouted', 'transient');
  }

  /**
   * tuxhat_messages_total{stage=<connector>}, tuxhat_carrier_submits_total and, once the
   * carrier took the message, tuxhat_message_carrier_latency_seconds (from API acceptance).
   */
  private count(
    event: SmsOutboundEvent,
    status: string,
    carrierResult?: 'accepted' | 'unidentified' | 'rejected' | 'transient',
  ): void {
    const { message, carrierId } = event;
    const messageClass = message.priority ?? 'transactional';
    this.messageCounter(status, messageClass, message.tenantId).inc();
    if (!carrierResult) return;
    this.submitCounter(carrierId, carrierResult).inc();
    if (carrierResult === 'accepted') {
      const seconds = (this.clock.now().getTime() - Date.parse(message.acceptedAt)) / 1_000;
      this.latency(messageClass, carrierId).observe(seconds);
    }
  }

  private messageCounter(status: string, messageClass: string, tenant: string): BoundCounter {
    const key = `${status}\u0000${messageClass}\u0000${tenant}`;
    let counter = this.messageCounters.get(key);
    if (!counter) {
      counter = this.metrics.boundCounter(METRICS.messages, {
        stage: this.source,
        status,
        class: messageClass,
        tenant,
      });
      this.messageCounters.set(key, counter);
    }
    return counter;
  }

  private submitCounter(carrier: string, result: string): BoundCounter {
    const key = `${carrier}\u0000${result}`;
    let counter = this.submitCounters.get(key);
    if (!counter) {
      counter = this.metrics.boundCounter(METRICS.carrierSubmits, { carrier, result });
      this.submitCounters.set(key, counter);
    }
    return counter;
  }

  private latency(messageClass: string, carrier: string): BoundHistogram {
    const key = `${messageClass}\u0000${carrier}`;
    let histogram = this.latencies.get(key);
    if (!histogram) {
      histogram = this.metrics.boundHistogram(METRICS.messageCarrierLatency, {
        class: messageClass,
        carrier,
      });
      this.latencies.set(key, histogram);
    }
    return histogram;
  }

  private async status(
    event: SmsOutboundEvent,
    status: 'failed' | 'unknown' | 'expired',
    detail: string,
    errorCode?: string,
  ): Promise<void> {
    await this.publisher.publish(SMS_STATUS, {
      ...derivedEnvelope(event.eventId, status, this.clock.now()),
      messageId: event.message.messageId,
      tenantId: event.message.tenantId,
      status,
      detail: detail.slice(0, 512),
      source: this.source,
      carrierId: event.carrierId,
      routeId: event.routeId,
      ...(errorCode ? { errorCode: errorCode.slice(0, 32) } : {}),
    });
  }

  /**
   * Publishes what the carrier's answer made of a message it took: a failure to publish says so
   * (CarrierHasItError), so that a dead letter of the event never fails the message.
   */
  private async carrierHasIt(
    event: SmsOutboundEvent,
    what: string,
    publish: () => Promise<void>,
  ): Promise<void> {
    try {
      await publish();
    } catch (error) {
      throw new CarrierHasItError(
        `carrier ${event.carrierId} took message ${event.message.messageId}, ${what} not published: ${describeError(error)}`,
        { cause: error },
      );
    }
  }

  private remember(event: SmsOutboundEvent, outcome: 'sent' | 'unknown' | 'failed'): void {
    this.recent.remember(event.message.messageId, {
      outcome,
      carrierId: event.carrierId,
      attempt: event.attempt,
    });
  }
}
