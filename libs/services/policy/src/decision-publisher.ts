import { Inject, Injectable } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_STATUS,
  type SmsAcceptedEvent,
  type SmsStatusEvent,
  TENANT_USAGE_WARNING,
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
    // One clock reading and one ISO text for the whole batch.
    const occurredAt = this.clock.now().toISOString();
    const batch: Outgoing = { accepted: [], statuses: [] };
    const tally = new Map<string, { labels: MessageLabels; count: number }>();
    for (const { message, outcome } of decided.results) {
      this.collect(batch, message, outcome, occurredAt);
      tallyOutcome(tally, message, outcome);
    }
    for (const { labels, count } of tally.values()) {
      this.metrics.increment(METRICS.messages, labels, count);
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
          occurredAt,
          tenantId,
          timeZone,
          ...warning,
        }),
      );
    }
    await Promise.all(sends);
  }

  private collect(
    batch: Outgoing,
    message: MessageFields,
    outcome: Outcome,
    occurredAt: string,
  ): void {
    const cause = `policy/${message.messageId}`;
    // derivedEnvelope(cause, purpose, now), with the batch's time text.
    const envelope = (purpose: string) => ({
      version: 1 as const,
      eventId: deterministicUuid(`${cause}/${purpose}`),
      occurredAt,
    });
    const status = (
      purpose: string,
      fields: { status: 'accepted' | 'rejected'; detail: string; errorCode?: string },
    ) =>
      batch.statuses.push({
        ...envelope(purpose),
        messageId: message.messageId,
        tenantId: message.tenantId,
        source: 'policy',
        ...fields,
      });
    switch (outcome.kind) {
      case 'accept':
        batch.accepted.push({
          ...envelope('accepted'),
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

type MessageLabels = Record<'stage' | 'status' | 'class' | 'tenant', string>;

const STATUS_OF = { accept: 'accepted', reject: 'rejected', hold: 'held' } as const;

/**
 * tuxhat_messages_total{stage="policy"}: accepted, rejected, or held until later. Tallied per
 * label set, so a batch costs one counter increment per (status, class, tenant), not per message.
 */
function tallyOutcome(
  tally: Map<string, { labels: MessageLabels; count: number }>,
  message: MessageFields,
  outcome: Outcome,
): void {
  if (outcome.kind === 'none') return;
  const status = STATUS_OF[outcome.kind];
  const messageClass = message.priority ?? 'transactional';
  const key = `${status}\u0000${messageClass}\u0000${message.tenantId}`;
  const entry = tally.get(key);
  if (entry) entry.count += 1;
  else
    tally.set(key, {
      labels: { stage: 'policy', status, class: messageClass, tenant: message.tenantId },
      count: 1,
    });
}

/** The events of one batch's decisions, by topic. */
interface Outgoing {
  readonly accepted: SmsAcceptedEvent[];
  readonly statuses: SmsStatusEvent[];
}
