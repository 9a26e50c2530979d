import { Controller, Inject } from '@nestjs/common';
import {
  SMS_DLR_RAW,
  SMS_SENT,
  SMS_STATUS,
  type SmsDlrRawEvent,
  type SmsSentEvent,
  type SmsStatusEvent,
  deterministicUuid,
} from '@tuxhat/contracts';
import {
  BatchOutcome,
  EventPublisher,
  NotYetError,
  OnEventBatch,
  continueMessageTraces,
} from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import {
  type CarrierPart,
  CorrelationRepository,
  type MatchedPart,
} from '../correlation/correlation.repository';
import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { MessagesRepository } from '../messages.repository';
import { type FinalOutcome, OutcomeService } from '../triggers/outcome.service';
import { type Aggregate, aggregateParts } from './part-aggregation';
import { PartReceiptsRepository, pairKey } from './part-receipts.repository';
import { describeReceipt, isFinalReceiptState } from './receipt-state';

/**
 * Correlates what carriers tell us with our messages: the ids they gave on submit_sm_resp
 * (sms.sent) and the receipts that follow (sms.dlr.raw), into `sent` and final statuses. Every
 * step works on the whole batch: sms.sent is one statement; receipts are one statement (match,
 * store the part receipts, clear single-part deadlines), one read of the parts of the
 * multipart messages among them, one deadline delete for those.
 */
@Controller()
export class ReceiptConsumer {
  private readonly metrics = processMetrics();
  /** sms.sent batches being recorded at this moment (see matchReceipts). */
  private readonly sentInFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly correlations: CorrelationRepository,
    private readonly parts: PartReceiptsRepository,
    private readonly messages: MessagesRepository,
    private readonly outcomes: OutcomeService,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(DLR_OPTIONS) private readonly options: ResolvedDlrOptions,
  ) {}

  /**
   * Records the carrier's ids (every lookup key of every part), schedules the expiry deadline
   * and reports `sent`. An event for a message not in the database (it cannot precede its own
   * row: ingress commits the row before publishing) is retried and dead-lettered, not guessed at.
   */
  @OnEventBatch(SMS_SENT)
  async onSent(events: SmsSentEvent[]): Promise<BatchOutcome> {
    const recording = this.correlations.recordSent(events, this.options, this.clock.now());
    this.sentInFlight.add(recording);
    let known: Set<string>;
    try {
      known = await recording;
    } finally {
      this.sentInFlight.delete(recording);
    }
    const failures = new Map<number, unknown>();
    const sent: SmsStatusEvent[] = [];
    const occurredAt = this.clock.now().toISOString();
    events.forEach((event, index) => {
      if (!known.has(event.messageId)) {
        failures.set(index, new NotYetError(`message ${event.messageId} not found`));
        return;
      }
      sent.push({
        ...envelopeAt(event.eventId, 'status', occurredAt),
        messageId: event.messageId,
        tenantId: event.tenantId,
        status: 'sent',
        detail: `carrier ${event.carrierId} accepted ${event.parts.length} part(s): ${event.parts
          .map((part) => part.carrierMessageId)
          .join(', ')}`,
        source: 'dlr',
        carrierId: event.carrierId,
        routeId: event.routeId,
      });
    });
    await this.publisher.publishAll(SMS_STATUS, sent);
    return BatchOutcome.withFailures(failures);
  }

  /**
   * Matched, their part receipts stored, single-part deadlines cleared: one statement. On Kafka a
   * message's sms.sent and its receipts come on different partitions, handled concurrently, and
   * a carrier that answers at once makes the receipt race its own sms.sent: what misses while
   * sms.sent batches are being recorded is matched once more when they are done, instead of a
   * trip through the retry topic and its back-off (on the bus in memory the batch's sms.sent
   * goes first anyway, see EventDispatcher).
   */
  private async matchReceipts(
    receipts: readonly SmsDlrRawEvent[],
  ): Promise<(MatchedPart | undefined)[]> {
    const found = await this.correlations.recordReceipts(receipts);
    if (this.sentInFlight.size === 0) return found;
    const missed = receipts.flatMap((_, index) => (found[index] ? [] : [index]));
    if (missed.length === 0) return found;
    await Promise.allSettled([...this.sentInFlight]);
    const again = await this.correlations.recordReceipts(missed.map((index) => receipts[index]));
    missed.forEach((index, position) => (found[index] = again[position]));
    return found;
  }

  /**
   * A receipt whose carrier id is not known yet (it overtook its submit_sm_resp, or the
   * sms.sent event is still on its way) goes through the durable retry schedule, and is
   * dead-lettered with the reason if it never matches: never dropped.
   */
  @OnEventBatch(SMS_DLR_RAW)
  async onReceipt(receipts: SmsDlrRawEvent[]): Promise<BatchOutcome> {
    const found = await this.matchReceipts(receipts);
    const failures = new Map<number, unknown>();
    const matched: { receipt: SmsDlrRawEvent; part: MatchedPart }[] = [];
    // tuxhat_receipts_total: one increment per (carrier, result) of the batch.
    const tally = new Map<string, { carrier: string; result: string; count: number }>();
    receipts.forEach((receipt, index) => {
      const part = found[index];
      const result = part ? 'matched' : 'unmatched';
      const key = `${receipt.carrierId}\u0000${result}`;
      const counted = tally.get(key);
      if (counted) counted.count += 1;
      else tally.set(key, { carrier: receipt.carrierId, result, count: 1 });
      if (part) matched.push({ receipt, part });
      else
        failures.set(
          index,
          new NotYetError(
            `no message for carrier ${receipt.carrierId} id ${receipt.carrierMessageId}`,
          ),
        );
    });
    for (const { carrier, result, count } of tally.values()) {
      this.metrics.increment(METRICS.receipts, { carrier, result }, count);
    }
    if (matched.length === 0) return BatchOutcome.withFailures(failures);
    // The statuses these receipts cause find their callback fields in memory (status fanout).
    this.messages.remember(
      matched.flatMap(({ part }) =>
        part.callback ? [[part.messageId, part.callback] as const] : [],
      ),
    );
    // Each receipt came on its own trace: what follows for its message continues the message's.
    continueMessageTraces(
      'match receipt',
      matched.map(({ receipt, part }) => ({
        messageId: part.messageId,
        traceParent: part.traceParent,
        cause: receipt,
      })),
    );

    // Multipart messages: read back every part's receipts (this batch's included) to see
    // whether the message is complete. Read after the insert committed, so of two receipts of
    // one message handled concurrently elsewhere at least one sees both.
    const multipart = matched.filter(
      ({ receipt, part }) => part.partCount > 1 && isFinalReceiptState(receipt.state),
    );
    const partReceipts = await this.parts.of(multipart.map(({ part }) => part));

    const occurredAt = this.clock.now().toISOString();
    const steps: SmsStatusEvent[] = [];
    const outcomes = new Map<string, FinalOutcome>();
    for (const { receipt, part } of matched) {
      const state = receipt.state;
      const final = isFinalReceiptState(state);
      if (part.partCount === 1 && final) {
        outcomes.set(pairKey(part.messageId, part.carrierId), {
          ...outcomeBase(part),
          state,
          rawState: receipt.rawState,
          errorCode: receipt.errorCode ?? null,
          detail: `receipt from ${part.carrierId}: ${describeReceipt(receipt.rawState, receipt.errorCode)}`,
        });
        continue;
      }
      // A step on the way (enroute, accepted) or one part of several: recorded as `sent`.
      const partNote =
        part.partCount > 1 ? ` (part ${part.partIndex + 1} of ${part.partCount})` : '';
      steps.push({
        ...envelopeAt(receipt.eventId, 'status', occurredAt),
        messageId: part.messageId,
        tenantId: part.tenantId,
        status: 'sent',
        detail: `receipt from ${part.carrierId}: ${describeReceipt(receipt.rawState, receipt.errorCode)}${partNote}`,
        source: 'dlr',
        carrierId: part.carrierId,
        routeId: part.routeId,
        ...(receipt.errorCode ? { errorCode: receipt.errorCode } : {}),
      });
      if (!final) continue;
      const key = pairKey(part.messageId, part.carrierId);
      const aggregate = aggregateParts(part.partCount, partReceipts.get(key) ?? []);
      if (aggregate.complete) outcomes.set(key, multipartOutcome(part, aggregate));
    }
    // Durably: on the bus in memory the receipt is answered once these are stored (ReceiptIntake).
    await this.publisher.publishAllDurably(SMS_STATUS, steps);
    // Single-part messages' deadlines went with their receipts (recordReceipts).
    const cleared = new Set(
      matched
        .filter(({ receipt, part }) => part.partCount === 1 && isFinalReceiptState(receipt.state))
        .map(({ part }) => part.messageId),
    );
    await this.outcomes.settle([...outcomes.values()], cleared);
    return BatchOutcome.withFailures(failures);
  }
}

/** derivedEnvelope(cause, purpose, now) with the batch's time text made once. */
function envelopeAt(cause: string, purpose: string, occurredAt: string) {
  return { version: 1 as const, eventId: deterministicUuid(`${cause}/${purpose}`), occurredAt };
}

/** The final status of a message on one carrier has one id, whichever receipt completes it. */
export function finalStatusEventId(messageId: string, carrierId: string): string {
  return deterministicUuid(`dlr-final/${messageId}/${carrierId}`);
}

function outcomeBase(part: CarrierPart) {
  return {
    messageId: part.messageId,
    tenantId: part.tenantId,
    carrierId: part.carrierId,
    routeId: part.routeId,
    statusEventId: finalStatusEventId(part.messageId, part.carrierId),
  };
}

function multipartOutcome(
  part: CarrierPart,
  aggregate: Extract<Aggregate, { complete: true }>,
): FinalOutcome {
  const { decisive } = aggregate;
  const detail =
    aggregate.state === 'delivered'
      ? `receipts from ${part.carrierId}: all ${aggregate.partCount} parts ${decisive.rawState}`
      : `receipts from ${part.carrierId}: part ${decisive.partIndex + 1} of ${aggregate.partCount} ${describeReceipt(decisive.rawState, decisive.errorCode)} (the worst of ${aggregate.partCount})`;
  return {
    ...outcomeBase(part),
    state: aggregate.state,
    rawState: decisive.rawState,
    errorCode: decisive.errorCode ?? null,
    detail,
  };
}
