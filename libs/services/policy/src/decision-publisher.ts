import { Inject, Injectable } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_STATUS,
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
    const sends: Promise<void>[] = [];
    for (const { message, outcome } of decided.results) {
      sends.push(...this.publishOutcome(message, outcome, now));
      this.count(message, outcome);
    }
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

  private publishOutcome(message: MessageFields, outcome: Outcome, now: Date): Promise<void>[] {
    const cause = `policy/${message.messageId}`;
    const status = (
      purpose: string,
      fields: { status: 'accepted' | 'rejected'; detail: string; errorCode?: string },
    ) =>
      this.publisher.publish(SMS_STATUS, {
        ...derivedEnvelope(cause, purpose, now),
        messageId: message.messageId,
        tenantId: message.tenantId,
        source: 'policy',
        ...fields,
      });
    switch (outcome.kind) {
      case 'accept':
        return [
          this.publisher.publish(SMS_ACCEPTED, {
            ...derivedEnvelope(cause, 'accepted', now),
            message,
            decision: outcome.detail,
          }),
          status('accepted-status', { status: 'accepted', detail: outcome.detail }),
        ];
      case 'reject':
        return [
          status('rejected', {
            status: 'rejected',
            detail: outcome.detail,
            errorCode: outcome.reason,
          }),
        ];
      case 'hold':
        return outcome.announce
          ? [
              status(`held/${outcome.stage}/${outcome.releaseAt}`, {
                status: 'accepted',
                detail: outcome.detail,
              }),
            ]
          : [];
      case 'none':
        return [];
    }
  }
}
