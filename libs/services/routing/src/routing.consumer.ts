import { Controller } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_REROUTE,
  SMS_STATUS,
  type SmsAcceptedEvent,
  type SmsRerouteEvent,
} from '@tuxhat/contracts';
import { EventPublisher, OnEventBatch } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';

import { RerouteDeduplicator } from './reroute-deduplicator';
import { RoutingService, type RoutingStep } from './routing.service';

/**
 * sms.accepted -> sms.outbound (the chosen carrier's topic) with a `routed` status saying why,
 * or a `failed` status when nothing can carry the message. sms.reroute -> the next untried
 * carrier, or `failed` once the attempts are used up. A batch is decided in memory, then
 * published together.
 */
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
    const steps = events.map((event) => this.routing.routeAccepted(event));
    this.count(steps, events);
    await this.publish(steps);
  }

  @OnEventBatch(SMS_REROUTE)
  async onReroute(events: SmsRerouteEvent[]): Promise<void> {
    const fresh = this.reroutes.fresh(events);
    const steps = fresh.map((event) => this.routing.reroute(event));
    this.count(steps, fresh);
    await this.publish(steps);
    this.reroutes.remember(fresh);
  }

  /** tuxhat_messages_total{stage="routing"}: routed, or failed when nothing can carry it. */
  private count(
    steps: readonly RoutingStep[],
    events: readonly { readonly message: MessageFields }[],
  ): void {
    steps.forEach((step, index) => {
      const message = events[index]?.message;
      this.metrics.increment(METRICS.messages, {
        stage: 'routing',
        status: step.status.status,
        class: message?.priority ?? 'transactional',
        tenant: step.status.tenantId,
      });
    });
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
