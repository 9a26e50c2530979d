import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type DlrTriggerEvent,
  type MessageFields,
  OPS_DLR_TRIGGERS,
  SMS_REROUTE,
  SMS_STATUS,
  type SmsStatusEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { DlrConfig } from '../config/dlr-config';
import { CorrelationRepository } from '../correlation/correlation.repository';
import { DeadlinesRepository } from '../expiry/deadlines.repository';
import { MessagesRepository } from '../messages.repository';
import { StatusFanout } from '../paths/status-fanout';
import { type FinalReceiptState, statusForReceipt } from '../receipts/receipt-state';
import { type WebhookRequest, WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { type TriggerRule, matchTriggers } from './trigger-rules';

/** A message's final outcome on one carrier: from its receipts, or from expiry. */
export interface FinalOutcome {
  readonly messageId: string;
  readonly tenantId: string;
  readonly carrierId: string;
  readonly routeId: string;
  readonly state: FinalReceiptState;
  readonly rawState?: string;
  readonly errorCode?: string | null;
  /** For the status history: where the state comes from. */
  readonly detail: string;
  /** The id of the status event that reports it (derived: replays give the same id). */
  readonly statusEventId: string;
}

/** The tenant lane and secret of global (operators') trigger webhooks. */
export const OPERATOR_TENANT = '*';

const DETAIL_MAX = 512;

/**
 * Reports final outcomes: runs the DLR triggers that match (webhook call, ops topic, resend
 * through the route's next carrier), publishes the status with what the triggers did in its
 * detail (so every action is in the message's history), hands it to the tenant's DLR paths
 * (StatusFanout) at the same time, and clears the expiry deadlines.
 *
 * A reroute replaces the final status: the carrier's verdict is recorded as a `sent` step
 * (the message is not final, it is being resent) and sms.reroute asks routing for the next
 * carrier; routing reports `failed` when there is none.
 */
@Injectable()
export class OutcomeService {
  private readonly logger = new Logger('dlr/triggers');

  constructor(
    private readonly config: DlrConfig,
    private readonly publisher: EventPublisher,
    private readonly webhooks: WebhookDispatcher,
    private readonly fanout: StatusFanout,
    private readonly messages: MessagesRepository,
    private readonly correlations: CorrelationRepository,
    private readonly deadlines: DeadlinesRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * `deadlinesCleared`: messages whose expiry deadline the caller cleared already (with their
   * receipts, CorrelationRepository.recordReceipts); the others' are cleared here.
   */
  async settle(
    outcomes: readonly FinalOutcome[],
    deadlinesCleared: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    if (outcomes.length === 0) return;
    const now = this.clock.now();
    const occurredAt = now.toISOString();
    const rules = this.config.current.triggers;
    const matched = outcomes.map((outcome) =>
      rules.length === 0
        ? []
        : matchTriggers(rules, {
            tenantId: outcome.tenantId,
            routeId: outcome.routeId,
            carrierId: outcome.carrierId,
            state: outcome.state,
            errorCode: outcome.errorCode,
          }),
    );
    const rerouting = outcomes.filter((_outcome, index) =>
      matched[index].some((rule) => rule.action === 'reroute'),
    );
    const [fields, carriers]: [Map<string, MessageFields>, Map<string, string[]>] =
      rerouting.length > 0
        ? await Promise.all([
            this.messages.fields(rerouting.map((outcome) => outcome.messageId)),
            this.correlations.carriersOf(rerouting.map((outcome) => outcome.messageId)),
          ])
        : [new Map<string, MessageFields>(), new Map<string, string[]>()];

    const webhookCalls: WebhookRequest[] = [];
    const publishes: Promise<void>[] = [];
    const statuses: SmsStatusEvent[] = [];
    outcomes.forEach((outcome, index) => {
      const notes: string[] = [];
      let rerouted = false;
      for (const rule of matched[index]) {
        const event = this.triggerEvent(rule, outcome, now);
        switch (rule.action) {
          case 'webhook':
            if (rule.url) {
              webhookCalls.push({
                tenantId: rule.tenantId ?? OPERATOR_TENANT,
                kind: 'trigger',
                eventId: event.eventId,
                url: rule.url,
                body: JSON.stringify(event),
              });
              notes.push(`trigger ${rule.id}: webhook queued`);
            }
            break;
          case 'ops_topic':
            publishes.push(this.publisher.publish(OPS_DLR_TRIGGERS, event));
            notes.push(`trigger ${rule.id}: published to ${OPS_DLR_TRIGGERS.name}`);
            break;
          case 'reroute': {
            const message = fields.get(outcome.messageId);
            if (!message) {
              notes.push(`trigger ${rule.id}: cannot resend, message not found`);
              break;
            }
            const tried = carriers.get(outcome.messageId) ?? [];
            const triedCarriers = tried.includes(outcome.carrierId)
              ? tried
              : [...tried, outcome.carrierId];
            publishes.push(
              this.publisher.publish(SMS_REROUTE, {
                ...derivedEnvelope(outcome.statusEventId, `reroute/${rule.id}`, now),
                message,
                carrierId: outcome.carrierId,
                routeId: outcome.routeId,
                attempt: triedCarriers.length,
                triedCarriers,
                reason: truncate(`${outcome.detail} (DLR trigger ${rule.id})`, 512),
                ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
                source: `dlr-trigger:${rule.id}`,
              }),
            );
            notes.push(`trigger ${rule.id}: resending through the route's next carrier`);
            rerouted = true;
            break;
          }
        }
      }
      const detail = truncate([outcome.detail, ...notes].join('; '), DETAIL_MAX);
      statuses.push({
        version: 1,
        eventId: outcome.statusEventId,
        occurredAt,
        messageId: outcome.messageId,
        tenantId: outcome.tenantId,
        status: rerouted ? 'sent' : statusForReceipt(outcome.state),
        detail,
        source: 'dlr',
        carrierId: outcome.carrierId,
        routeId: outcome.routeId,
        ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
      });
      if (notes.length > 0) this.logger.log(`message ${outcome.messageId}: ${notes.join('; ')}`);
    });
    await Promise.all([
      ...publishes,
      // The tenant's webhooks and topics get the statuses here, not after a second trip
      // through this service's sms.status consumer (which skips them); both are durable
      // before the receipt (or deadline) that caused them counts as handled. The statuses
      // too (publishDurably): on the bus in memory the receipt is answered only once their
      // consumers (history, accounting, policy) have handled them, and an expiry waits for
      // that before its deadlines go.
      this.fanout.deliverBeforePublishing(statuses),
      this.publisher.publishAllDurably(SMS_STATUS, statuses),
      this.webhooks.submit(webhookCalls),
    ]);
    await this.deadlines.clear(
      outcomes
        .filter((outcome) => !deadlinesCleared.has(outcome.messageId))
        .map((outcome) => outcome.messageId),
    );
  }

  private triggerEvent(rule: TriggerRule, outcome: FinalOutcome, now: Date): DlrTriggerEvent {
    return {
      ...derivedEnvelope(outcome.statusEventId, `trigger/${rule.id}`, now),
      type: 'dlr.trigger',
      triggerId: rule.id,
      action: rule.action,
      messageId: outcome.messageId,
      tenantId: outcome.tenantId,
      carrierId: outcome.carrierId,
      routeId: outcome.routeId,
      state: outcome.state,
      ...(outcome.errorCode ? { errorCode: outcome.errorCode.slice(0, 32) } : {}),
      ...(outcome.rawState ? { rawState: outcome.rawState.slice(0, 32) } : {}),
      detail: truncate(outcome.detail, 512),
    };
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
