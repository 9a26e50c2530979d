import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type MessageFields,
  SMS_ACCEPTED,
  SMS_SUBMITTED,
  TENANT_MO,
  type TenantMoEvent,
  derivedEnvelope,
  physicalTopicOf,
} from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { EventPublisher } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';
import { analyseText } from '@tuxhat/smpp';

import { DlrConfig } from '../config/dlr-config';
import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { MessagesRepository, type OwnMessage } from '../messages.repository';
import { TenantTopics } from '../paths/tenant-topics';
import { type WebhookRequest, WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import {
  type MoHandlerRule,
  addressKey,
  e164Of,
  keywordOf,
  renderReply,
  selectHandler,
} from './mo-routing';
import { type AssembledMo, assembledMoId } from './mo-assembly';
import { replyMessageId } from './reply-message-id';

/** A whole MO (reassembled when it came in parts), ready to route. */
export interface InboundMo {
  /** Derived from the MO event(s): replays of the same MO get the same id. */
  readonly id: string;
  readonly carrierId: string;
  readonly source: string;
  readonly destination: string;
  readonly text: string;
  readonly receivedAt: Date;
  /** Set when it came in parts: how many there were and which `text` holds. */
  readonly parts?: { readonly total: number; readonly included: readonly number[] };
  /**
   * Set on a late fragment: parts of the MO `of` that came after it was routed without them.
   * It goes where that MO went (by its `keyword`), and causes no opt-out or reply again.
   */
  readonly lateFragment?: { readonly of: string; readonly keyword: string };
}

interface Reply {
  readonly own: OwnMessage;
  /** Opt-out confirmations go straight to routing: the sender is suppressed by now. */
  readonly bypassPolicy: boolean;
}

/**
 * Routes MOs by destination (short code or number) and keyword to the owning tenant's handler:
 * its webhook, its Kafka topic (tenant.<tenant>.mo.v1), or an auto-reply sent through the
 * normal pipeline (sms.submitted, so policy and routing apply as to any MT).
 *
 * Opt-out keywords (STOP, UNSUBSCRIBE, configurable) add the sender to the suppression list of
 * every tenant with a handler on that destination and answer with a confirmation; the MO still
 * reaches the tenant's webhook or topic handler, so the tenant learns about it. The
 * confirmation is the one message to a suppressed number: it goes to routing directly
 * (sms.accepted), not through policy, which would now refuse it.
 *
 * Batched: one insert for suppressions, one transaction for reply messages, one for the
 * webhook outbox, one for the MO log.
 */
@Injectable()
export class MoService {
  private readonly logger = new Logger('dlr/mo');
  private readonly metrics = processMetrics();

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly config: DlrConfig,
    private readonly messages: MessagesRepository,
    private readonly webhooks: WebhookDispatcher,
    private readonly tenantTopics: TenantTopics,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {}

  async handle(mos: readonly InboundMo[]): Promise<void> {
    if (mos.length === 0) return;
    const now = this.clock.now();
    const calls: WebhookRequest[] = [];
    const records: TenantMoEvent[] = [];
    const replies: Reply[] = [];
    const suppressions: { tenantId: string; number: string; reason: string; source: string }[] = [];
    const log: {
      id: string;
      tenantId: string | null;
      carrierId: string;
      source: string;
      destination: string;
      text: string;
      keyword: string;
      handlerId: string | null;
      action: string;
      lateFragmentOf: string | null;
      receivedAt: Date;
    }[] = [];

    for (const mo of mos) {
      const keyword = mo.lateFragment?.keyword ?? keywordOf(mo.text);
      const handlers =
        this.config.current.moHandlersByDestination.get(addressKey(mo.destination)) ?? [];
      const handler = selectHandler(handlers, keyword);
      const entry = {
        id: mo.id,
        carrierId: mo.carrierId,
        source: mo.source,
        destination: mo.destination,
        text: mo.text,
        keyword,
        lateFragmentOf: mo.lateFragment?.of ?? null,
        receivedAt: mo.receivedAt,
      };
      const optOut =
        !mo.lateFragment && this.options.optOutKeywords.includes(keyword) && handlers.length > 0;
      if (optOut) {
        const number = e164Of(mo.source) ?? mo.source;
        for (const tenantId of new Set(handlers.map((each) => each.tenantId))) {
          suppressions.push({
            tenantId,
            number,
            reason: `opt-out keyword ${keyword} to ${mo.destination}`,
            source: 'mo-keyword',
          });
          const confirmation = this.options.optOutReply
            ? this.reply(
                mo,
                tenantId,
                renderReply(this.options.optOutReply, { ...mo, keyword }),
                'opt-out',
                now,
              )
            : undefined;
          if (confirmation) replies.push({ own: confirmation, bypassPolicy: true });
          log.push({
            ...entry,
            id: `${mo.id}/opt-out/${tenantId}`,
            tenantId,
            handlerId: null,
            action: 'opt_out',
          });
        }
      }
      if (!handler) {
        if (!optOut) {
          this.logger.warn(
            `MO from ${mo.source} to ${mo.destination} (${JSON.stringify(keyword)}): no handler`,
          );
          log.push({ ...entry, tenantId: null, handlerId: null, action: 'unrouted' });
        }
        continue;
      }
      if (optOut && handler.kind === 'auto_reply') continue; // the confirmation is the reply
      const action = this.route(mo, keyword, handler, now, { calls, records, replies });
      log.push({ ...entry, tenantId: handler.tenantId, handlerId: handler.id, action });
    }

    if (suppressions.length > 0) {
      await this.prisma.suppression.createMany({ data: suppressions, skipDuplicates: true });
    }
    await this.messages.createOwn(replies.map((reply) => reply.own));
    if (records.length > 0) {
      await this.tenantTopics.ensure(records.map((record) => physicalTopicOf(TENANT_MO, record)));
    }
    await Promise.all([
      this.webhooks.submit(calls),
      ...records.map((record) => this.publisher.publish(TENANT_MO, record)),
      ...replies.map(({ own, bypassPolicy }) =>
        bypassPolicy
          ? this.publisher.publish(SMS_ACCEPTED, {
              version: 1,
              eventId: own.eventId,
              occurredAt: own.message.acceptedAt,
              message: own.message,
              decision: 'opt-out confirmation (exempt from the suppression list)',
            })
          : this.publisher.publish(SMS_SUBMITTED, {
              version: 1,
              eventId: own.eventId,
              occurredAt: own.message.acceptedAt,
              message: own.message,
            }),
      ),
    ]);
    await this.prisma.moMessage.createMany({ data: log, skipDuplicates: true });
    this.count(log);
  }

  /** tuxhat_mo_total, once the batch is handled. */
  private count(log: readonly { carrierId: string; action: string }[]): void {
    for (const { carrierId, action } of log) {
      this.metrics.boundCounter(METRICS.mo, { carrier: carrierId, action }).inc();
    }
  }

  private route(
    mo: InboundMo,
    keyword: string,
    handler: MoHandlerRule,
    now: Date,
    out: { calls: WebhookRequest[]; records: TenantMoEvent[]; replies: Reply[] },
  ): string {
    switch (handler.kind) {
      case 'webhook':
      case 'kafka': {
        const event: TenantMoEvent = {
          ...derivedEnvelope(mo.id, `tenant-mo/${handler.id}`, now),
          type: 'message.inbound',
          tenantId: handler.tenantId,
          source: mo.source,
          destination: mo.destination,
          text: mo.text,
          keyword: keyword.slice(0, 160),
          handlerId: handler.id,
          carrierId: mo.carrierId,
          receivedAt: mo.receivedAt.toISOString(),
          moId: mo.id,
          ...(mo.parts
            ? { parts: { total: mo.parts.total, included: [...mo.parts.included] } }
            : {}),
          ...(mo.lateFragment ? { lateFragmentOf: mo.lateFragment.of } : {}),
        };
        if (handler.kind === 'kafka') out.records.push(event);
        else if (handler.url) {
          out.calls.push({
            tenantId: handler.tenantId,
            kind: 'mo',
            eventId: event.eventId,
            url: handler.url,
            body: JSON.stringify(event),
          });
        }
        return handler.kind;
      }
      case 'auto_reply': {
        // The sender was answered when the MO was routed; a piece of it coming late is no
        // new question.
        if (mo.lateFragment) return 'auto_reply_skipped';
        const text = renderReply(handler.replyTemplate ?? '', { ...mo, keyword });
        const own = text.trim()
          ? this.reply(mo, handler.tenantId, text, `reply/${handler.id}`, now)
          : undefined;
        if (!own) return 'auto_reply_skipped';
        out.replies.push({ own, bypassPolicy: false });
        return 'auto_reply';
      }
    }
  }

  /** A reply to the MO's sender from the number it wrote to; undefined when the sender cannot be answered. */
  private reply(
    mo: InboundMo,
    tenantId: string,
    text: string,
    purpose: string,
    now: Date,
  ): OwnMessage | undefined {
    const destination = e164Of(mo.source);
    if (!destination) {
      this.logger.warn(`MO from ${mo.source}: not a number, no ${purpose} reply`);
      return undefined;
    }
    const analysis = analyseText(text);
    const message: MessageFields = {
      messageId: replyMessageId(`${mo.id}/${purpose}/${tenantId}`, mo.receivedAt),
      tenantId,
      destination,
      source: mo.destination.slice(0, 16),
      text,
      encoding: analysis.encoding === 'gsm7' ? 'gsm7' : 'ucs2',
      parts: analysis.parts,
      acceptedAt: now.toISOString(),
    };
    return {
      message,
      eventId: derivedEnvelope(`${mo.id}/${purpose}/${tenantId}`, 'submitted').eventId,
      detail: `dlr: ${purpose === 'opt-out' ? 'opt-out confirmation' : 'auto-reply'} to MO ${mo.id}`,
    };
  }
}

export function inboundOf(mo: AssembledMo): InboundMo {
  return {
    id: assembledMoId(mo.eventIds),
    carrierId: mo.carrierId,
    source: mo.source,
    destination: mo.destination,
    text: mo.text,
    receivedAt: mo.receivedAt,
    parts: { total: mo.total, included: mo.seqs },
    ...(mo.lateOf ? { lateFragment: { of: mo.lateOf.moId, keyword: mo.lateOf.keyword } } : {}),
  };
}
