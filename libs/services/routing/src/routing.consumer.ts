import { Controller } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_REROUTE,
  SMS_STATUS,
  type SmsAcceptedEvent,
  type SmsRerouteEvent,
  type SmsStatusEvent,
} from '@tuxhat/contracts';
import { BatchOutcome, EventPublisher, OnEventBatch, RetryLaterError } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';

import { RerouteDeduplicator } from './reroute-deduplicator';
import { RoutingService, type RoutingStep } from './routing.service';

/**
 * sms.accepted -> sms.outbound (the chosen carrier's topic) with a `routed` status saying why,
 * or a `failed` status when nothing can carry the message. sms.reroute -> the next untried
 * carrier, a wait for one to come back (an outage), or `failed` once the attempts are used up. A batch is decided in memory, then
 * published together.
 */
type MessageLabels = Record<'stage' | 'status' | 'class' | 'tenant', string>;

@Controller()
export class RoutingConsumer {
  private readonly metrics = processMetrics();

  constructor(
    private readonly routing: RoutingService,
    private readonly reroutes: RerouteDeduplicator,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEventBatch(SMS_ACCEPTED)
  async onAccepted(events: SmsAcceptedEvent[]): Promise<void> {
    const at = this.routing.instant();
    const steps = events.map((event) => this.routing.routeAccepted(event, at));
    this.count(steps, events);
    await this.publish(steps);
  }

  /**
   * A message waiting for a carrier (RoutingService.reroute) stays on the retry schedule: its
   * request comes again after the wait's delay, its attempt not counted, and it is not
   * remembered as rerouted. Its wait is recorded in the history at the first look only.
   */
  @OnEventBatch(SMS_REROUTE)
  async onReroute(events: SmsRerouteEvent[]): Promise<BatchOutcome> {
    const fresh = this.reroutes.fresh(events);
    const at = this.routing.instant();
    const steps: RoutingStep[] = [];
    const stepped: SmsRerouteEvent[] = [];
    const waits = new Map<number, RetryLaterError>();
    const announced: SmsStatusEvent[] = [];
    const indexOf = new Map(events.map((event, index) => [event, index]));
    for (const event of fresh) {
      const next = this.routing.reroute(event, at);
      if (next.kind !== 'wait') {
        steps.push(next);
        stepped.push(event);
        continue;
      }
      if (this.reroutes.firstWait(event)) announced.push(next.status);
      waits.set(
        indexOf.get(event)!,
        new RetryLaterError(`${event.message.messageId} waits for a carrier`, next.delayMs),
      );
    }
    this.count(steps, stepped);
    await Promise.all([this.publish(steps), this.publisher.publishAll(SMS_STATUS, announced)]);
    this.reroutes.remember(stepped);
    return BatchOutcome.withFailures(waits);
  }

  /**
   * tuxhat_messages_total{stage="routing"}: routed, or failed when nothing can carry it. Tallied
   * per label set first: one counter increment per (status, class, tenant) of the batch, not one
   * per message.
   */
  private count(
    steps: readonly RoutingStep[],
    events: readonly { readonly message: MessageFields }[],
  ): void {
    const tally = new Map<string, { labels: MessageLabels; count: number }>();
    steps.forEach((step, index) => {
      const status = step.status.status;
      const messageClass = events[index]?.message.priority ?? 'transactional';
      const tenant = step.status.tenantId;
      const key = `${status}\u0000${messageClass}\u0000${tenant}`;
      const entry = tally.get(key);
      if (entry) entry.count += 1;
      else
        tally.set(key, {
          labels: { stage: 'routing', status, class: messageClass, tenant },
          count: 1,
        });
    });
    for (const { labels, count } of tally.values()) {
      this.metrics.increment(METRICS.messages, labels, count);
    }
  }

  private async publish(steps: readonly RoutingStep[]): Promise<void> {
    await Promise.all([
      this.publisher.publishAll(
        SMS_OUTBOUND,
        steps.flatMap((step) => (step.outbound ? [step.outbound] : [])),
      ),
      this.publisher.publishAll(
        SMS_STATUS,
        steps.map((step) => step.status),
      ),
    ]);
  }
}
