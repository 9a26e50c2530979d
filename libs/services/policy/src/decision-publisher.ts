import { Inject, Injectable } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_STATUS,
  type SmsAcceptedEvent,
  type SmsStatusEvent,
  TENANT_USAGE_WARNING,
  derivedEnvelope,
  deterministicUuid,
} from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import type { Outcome } from './decision';
import type { Decided } from './policy-engine';

/**
 * Publishes decisions: `sms.accepted.v1` plus an `accepted` status naming the rules for a
 * message let through, a `rejected` status with the rule and reason code, an `accepted` status
 * saying until when for a held one, and the month's usage warnings. Event ids derive from the
 * message id (and the tenant and month for warnings), so publishing a decision again after a
 * redelivery or a restart produces the very same events, which every consumer de-duplicates.
 */
@Injectable()
export class DecisionPublisher {
  private readonly metrics = processMetrics();

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async publish(decided: Decided): Promise<void> {
    const now = this.clock.now();
    const batch: Outgoing = { accepted: [], statuses: [] };
    for (const { message, outcome } of decided.results) {
      this.collect(batch, message, outcome, now);
      this.count(message, outcome);
    }
    // A batch per topic: the publisher can hand a topic's events over together.
    const sends: Promise<void>[] = [
      this.publisher.publishAll(SMS_ACCEPTED, batch.accepted),
      this.publisher.publishAll(SMS_STATUS, batch.statuses),
    ];
    for (const { tenantId, timeZone, warning } of decided.warnings) {
      sends.push(
        this.publisher.publish(TENANT_USAGE_WARNING, {
          version: 1,
          eventId: deterministicUuid(`usage-warning/${tenantId}/${warning.month}`),
          occurredAt: now.toISOString(),
          tenantId,
          timeZone,
          ...warning,
        }),
      );
    }
    await Promise.all(sends);
  }

  /** tuxhat_messages_total{stage="policy"}: accepted, rejected, or held until later. */
  private count(message: MessageFields, outcome: Outcome): void {
    if (outcome.kind === 'none') return;
    const status = { accept: 'accepted', reject: 'rejected', hold: 'held' }[outcome.kind];
    this.metrics.increment(METRICS.messages, {
      stage: 'policy',
      status,
      class: message.priority ?? 'transactional',
      tenant: message.tenantId,
    });
  }

  private collect(batch: Outgoing, message: MessageFields, outcome: Outcome, now: Date): void {
    const cause = `policy/${message.messageId}`;
    const status = (
      purpose: string,
      fields: { status: 'accepted' | 'rejected'; detail: string; errorCode?: string },
    ) =>
      batch.statuses.push({
        ...derivedEnvelope(cause, purpose, now),
        messageId: message.messageId,
        tenantId: message.tenantId,
        source: 'policy',
        ...fields,
      });
    switch (outcome.kind) {
      case 'accept':
        batch.accepted.push({
          ...derivedEnvelope(cause, 'accepted', now),
          message,
          decision: outcome.detail,
        });
        status('accepted-status', { status: 'accepted', detail: outcome.detail });
        return;
      case 'reject':
        status('rejected', {
          status: 'rejected',
          detail: outcome.detail,
          errorCode: outcome.reason,
        });
        return;
      case 'hold':
        if (outcome.announce) {
          status(`held/${outcome.stage}/${outcome.releaseAt}`, {
            status: 'accepted',
            detail: outcome.detail,
          });
        }
        return;
      case 'none':
        return;
    }
  }
}

/** The events of one batch's decisions, by topic. */
interface Outgoing {
  readonly accepted: SmsAcceptedEvent[];
  readonly statuses: SmsStatusEvent[];
}
