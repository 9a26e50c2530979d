import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SmsStatusEvent } from '@tuxhat/contracts';
import { type BillableMessage, type Charge, loadMessageHistory } from '@tuxhat/billing';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA, RecentMap } from '@tuxhat/runtime';

import { AccountingConfigSnapshot } from './accounting-config';
import { ACCOUNTING_OPTIONS, type AccountingOptions } from './accounting.options';
import {
  AccountingRecordsRepository,
  ConcurrentRecordChangeError,
  type Settlement,
  draftOfMessage,
  draftOfRecord,
} from './accounting-records.repository';
import { countryOf } from './destination-info';
import { type Change, type RecordDraft, applyStatusEvent, inOccurrenceOrder } from './record-draft';
import { RecordPublisher } from './record-publisher.service';

/** Attempts of a batch whose records other writers keep changing, before the retry topic. */
const MAX_ATTEMPTS = 3;
/**
 * Records of messages in flight kept in memory: at least this many written last (RecentMap; see
 * AccountingService.remember). One pushed out is built again from the database when its next
 * event comes (steps from its history).
 */
const RECENT_RECORDS = 50_000;

/**
 * One accounting record per message, a batch of status events at a time: read the batch's
 * records (2 queries), apply the events in memory, price the messages that became final
 * (tariffs and rules from memory, plus one history query when a rule needs it), write every
 * change and settle the prepaid reservations in one statement, then publish what became
 * final. No round trip per message.
 *
 * A record is written once its message is final, not at each step before: the steps (routed,
 * sent: route, carrier, cost, times) wait in memory with the draft. That is one insert per
 * message where writing each step cost an insert and an update more (about a seventh of
 * PostgreSQL's CPU per message at saturation, bench/RESULTS.md, session 14). Nothing is lost
 * with the memory: the status history holds the same steps (the projector writes them, the
 * routed cost included), and a draft built without memory (after a restart, past
 * RECENT_RECORDS, or when another replica saw the earlier events) starts from it.
 */
@Injectable()
export class AccountingService {
  private readonly logger = new Logger(AccountingService.name);
  /** Records of messages still in flight, as last read or written (see remember). */
  private readonly recent = new RecentMap<string, RecordDraft>(RECENT_RECORDS);

  constructor(
    private readonly records: AccountingRecordsRepository,
    private readonly publisher: RecordPublisher,
    private readonly config: AccountingConfigSnapshot,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACCOUNTING_OPTIONS) private readonly options: AccountingOptions,
  ) {}

  async onStatusEvents(events: readonly SmsStatusEvent[]): Promise<void> {
    // Optimistic concurrency: a record another consumer changed since we read it (two consumers
    // on one partition for a moment, during a rebalance) fails the write; read again and redo.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handle(events);
      } catch (error) {
        // What this batch touched is read from the database again, not from memory.
        for (const event of events) this.recent.delete(event.messageId);
        if (!(error instanceof ConcurrentRecordChangeError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async handle(events: readonly SmsStatusEvent[]): Promise<void> {
    const byMessage = new Map<string, SmsStatusEvent[]>();
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      const list = byMessage.get(event.messageId) ?? [];
      list.push(event);
      byMessage.set(event.messageId, list);
    }
    const drafts = await this.draftsFor([...byMessage.keys()]);

    const changed: RecordDraft[] = [];
    const toPrice: { draft: RecordDraft; change: Change }[] = [];
    let applied = 0;
    for (const draft of drafts) {
      // An event naming another tenant than its message's is foreign data: skipped below.
      const own = (byMessage.get(draft.messageId) ?? []).filter(
        (event) => event.tenantId === draft.tenantId,
      );
      applied += own.length;
      let strongest: Change = 'none';
      for (const event of inOccurrenceOrder(own)) {
        const change = applyStatusEvent(draft, event);
        if (change === 'final' || change === 'correction') strongest = change;
        else if (change === 'steps' && strongest === 'none') strongest = 'steps';
      }
      if (strongest === 'none') continue;
      // Steps of a message without a record stay in memory (remember): written with its end.
      if (strongest === 'steps' && draft.rowVersion < 0) continue;
      changed.push(draft);
      if (strongest === 'final' || strongest === 'correction')
        toPrice.push({ draft, change: strongest });
    }

    // The message row is committed before sms.submitted is published, so each of our status
    // events finds its message. One that does not, or names another tenant, is foreign data:
    // retrying cannot fix it and failing would hold up the batch, so it is skipped, loudly.
    if (applied < seen.size)
      this.logger.warn(
        `skipped ${seen.size - applied} status event(s) of unknown messages or of another tenant`,
      );

    const settlements = await this.price(toPrice);
    // What became final here and nobody holds is claimed by the write itself and published
    // from the rows written: no claim statement, no read back.
    const claims = new Set(
      changed
        .filter((draft) => draft.publishPending && !draft.publishClaimed)
        .map((draft) => draft.messageId),
    );
    const now = this.clock.now();
    const written = await this.records.write(changed, settlements, now, claims);
    this.remember(drafts, new Set(changed.map((draft) => draft.messageId)), claims);
    await this.publisher.publishClaimed(
      written.filter((row) => claims.has(row.messageId)),
      now,
    );
    // Also what an earlier attempt wrote but could not publish (a replay finds it pending), or
    // another publisher's claim (taken over once stale).
    const pending = drafts.filter((draft) => draft.publishPending && !claims.has(draft.messageId));
    for (const draft of pending) this.recent.delete(draft.messageId);
    if (pending.length > 0)
      await this.publisher.publishPending(pending.map((draft) => draft.messageId));
  }

  /**
   * Keeps the batch's records as they are now in the table, or, not written yet, with the steps
   * so far, for the message's next events (accepted, routed, sent, final: usually in different
   * batches). Published ones are dropped (their last event came; the publish bookkeeping
   * changes the row). The memory is only a guess of the row: every write still names the row
   * version it expects, and a stale guess fails the write, which reads the rows again
   * (onStatusEvents).
   */
  private remember(
    drafts: readonly RecordDraft[],
    written: ReadonlySet<string>,
    claims: ReadonlySet<string>,
  ): void {
    for (const draft of drafts) {
      if (claims.has(draft.messageId) || draft.publishPending) {
        this.recent.delete(draft.messageId);
        continue;
      }
      this.recent.set(
        draft.messageId,
        written.has(draft.messageId) ? { ...draft, rowVersion: draft.rowVersion + 1 } : draft,
      );
    }
  }

  /** The batch's records: stored ones, and new open ones for messages seen the first time. */
  private async draftsFor(messageIds: readonly string[]): Promise<RecordDraft[]> {
    const drafts: RecordDraft[] = [];
    const unknown: string[] = [];
    for (const id of messageIds) {
      const recent = this.recent.get(id);
      // A copy: the batch changes its draft in place, the memory changes only after the write.
      if (recent) drafts.push({ ...recent, adjustments: [...recent.adjustments] });
      else unknown.push(id);
    }
    if (unknown.length === 0) return drafts;
    const { records, messages } = await this.records.findRecordsOrMessages(unknown);
    drafts.push(...records.map(draftOfRecord));
    const { networks } = this.config.current;
    for (const message of messages) {
      drafts.push(
        draftOfMessage(
          message,
          {
            country: countryOf(message.destination),
            network: networks.networkOf(message.destination),
          },
          this.options.currency,
        ),
      );
    }
    return drafts;
  }

  /**
   * Prices the drafts that became final (or were corrected) and returns the reservations to
   * settle. A correction keeps the tariff and billing settings the record was first priced with
   * (the reservation was made with them) and decides only again whether to charge.
   */
  private async price(
    items: readonly { draft: RecordDraft; change: Change }[],
  ): Promise<Settlement[]> {
    if (items.length === 0) return [];
    const { billing } = this.config.current;
    const messages = items.map(({ draft }) => billableOf(draft));
    const history = await loadMessageHistory(this.prisma, billing.historyRequest(messages));
    return items.map(({ draft, change }, index) => {
      const message = messages[index];
      // Priced in an earlier batch (a correction of a record that is out, or at least written):
      // keep what it was priced with. Final and corrected within one batch: priced afresh.
      const earlier =
        change === 'correction' && draft.billingMode && draft.chargeOn
          ? { mode: draft.billingMode, chargeOn: draft.chargeOn }
          : undefined;
      const settings = earlier ?? this.config.tenantBilling(draft.tenantId);
      const list: Charge | undefined = earlier
        ? {
            amountMinor: draft.listPriceMinor,
            listPriceMinor: draft.listPriceMinor,
            currency: draft.priceCurrency,
            ...(draft.tariffId ? { tariffId: draft.tariffId } : {}),
            adjustments: [],
          }
        : undefined;
      const { charge, charged } = billing.finalCharge(
        message,
        draft.finalStatus!,
        settings,
        history,
        list,
      );
      draft.priceMinor = charge.amountMinor;
      draft.priceCurrency = charge.currency;
      draft.listPriceMinor = charge.listPriceMinor;
      draft.tariffId = charge.tariffId ?? null;
      draft.adjustments = [...charge.adjustments];
      draft.billingMode = settings.mode;
      draft.chargeOn = settings.chargeOn;
      draft.charged = charged;
      return {
        messageId: draft.messageId,
        charged,
        amountMinor: charge.amountMinor,
        currency: charge.currency,
      };
    });
  }
}

function billableOf(draft: RecordDraft): BillableMessage {
  return {
    messageId: draft.messageId,
    tenantId: draft.tenantId,
    destination: draft.destination,
    classOfService: draft.classOfService,
    parts: draft.parts,
    acceptedAt: draft.acceptedAt,
  };
}
