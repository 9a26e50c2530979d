import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_PRIORITY_CLASS, type SmsOutboundEvent } from '@tuxhat/contracts';
import {
  CarrierHasItError,
  ConnectorReporter,
  FailedRounds,
  RecentOutcomes,
  type SentPart,
} from '@tuxhat/connector-kit';
import {
  type BoundHistogram,
  METRICS,
  SpanKind,
  inSpan,
  processMetrics,
} from '@tuxhat/observability';
import {
  Gsm7EncodingError,
  Latin1EncodingError,
  MessageTooLongError,
  type ShortMessagePart,
} from '@tuxhat/smpp';

import { CarrierSessions } from './carrier-sessions.service';
import { splitForSubmit } from './message-parts';
import { SMPP_CONNECTOR_OPTIONS, type SmppConnectorOptions } from './smpp-connector.options';
import { type PartVerdict, classifySubmitOutcome } from './submit-error.classifier';
import { submitParamsOf } from './submit-params';

/**
 * Thrown when the carrier cannot take the message now but should get it later (it throttles,
 * or it already holds some parts of it). A plain Error on purpose: the transport sends the event
 * through the consumer group's retry topic with back-off, so nothing is lost meanwhile.
 */
export class SubmitLaterError extends Error {
  override readonly name = 'SubmitLaterError';
}

/**
 * Sends one outbound message to its carrier: encodes and splits the text the carrier's way,
 * submits every part through the carrier's dispatcher (its binds, window, throughput, OTP
 * first), and reports the result:
 *  - every part accepted: sms.sent with each part's carrier message id;
 *  - a final refusal: `failed` with the command_status;
 *  - a retryable refusal, no bind, or a link failure: sms.reroute, so routing tries another
 *    carrier (this one never gets the message again when it may have it already); the same
 *    for a carrier the pod does not serve (its settings rejected, or since disabled or
 *    removed: CarrierWatcher.unserved);
 *  - throttled: the retry topic, same carrier; after `throttleRoundsBeforeFailover` such rounds
 *    the message is rerouted instead of waiting on a carrier that keeps refusing;
 *  - some parts accepted and others not: the retry topic, same carrier, missing parts only (a
 *    message never spans two carriers), as a CarrierHasItError.
 */
@Injectable()
export class MessageSubmitter {
  private readonly logger = new Logger('smpp-connector');
  private readonly throttledRounds = new FailedRounds();
  private readonly metrics = processMetrics();
  /** tuxhat_carrier_submit_duration_seconds by carrier, bound once per carrier. */
  private readonly submitDurations = new Map<string, BoundHistogram>();

  constructor(
    private readonly sessions: CarrierSessions,
    private readonly reporter: ConnectorReporter,
    private readonly recent: RecentOutcomes,
    @Inject(SMPP_CONNECTOR_OPTIONS) private readonly options: SmppConnectorOptions,
  ) {}

  async submit(event: SmsOutboundEvent): Promise<void> {
    const { message, carrierId } = event;
    const link = this.sessions.linkOf(carrierId);
    const unserved = link ? undefined : this.sessions.unserved(carrierId);
    if (unserved) return this.reporter.notTakenUp(event, unserved);
    if (!link) {
      throw new SubmitLaterError(
        `carrier ${carrierId} is not held by this smpp-connector (held: ${this.sessions.heldCarriers().join(', ') || 'none'})`,
      );
    }
    const settings = link.carrier.settings;
    let parts: ShortMessagePart[];
    try {
      parts = splitForSubmit(message, settings).parts;
    } catch (error) {
      if (
        !(error instanceof MessageTooLongError) &&
        !(error instanceof Gsm7EncodingError) &&
        !(error instanceof Latin1EncodingError)
      )
        throw error;
      await this.reporter.failed(event, 'message_too_long', error.message);
      return;
    }
    if (parts.length !== message.parts) {
      this.logger.warn(
        `message ${message.messageId}: ${parts.length} part(s) on the wire to ${carrierId}, ${message.parts} accounted at ingress`,
      );
    }

    const accepted = new Map(this.recent.acceptedParts(message.messageId, carrierId));
    const pending = parts.flatMap((part, index) => (accepted.has(index) ? [] : [{ part, index }]));
    const priority = message.priority ?? DEFAULT_PRIORITY_CLASS;
    const submitting = performance.now();
    const outcomes = await inSpan(
      'smpp submit_sm',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'tuxhat.carrier.id': carrierId, 'smpp.parts': pending.length },
      },
      () =>
        Promise.all(
          pending.map(({ part }) =>
            link.dispatcher.submit(submitParamsOf(event, part, settings), priority),
          ),
        ),
    );
    this.submitDurationOf(carrierId).observe((performance.now() - submitting) / 1_000);
    const verdicts = outcomes.map((outcome, position) => ({
      partIndex: pending[position].index,
      verdict: classifySubmitOutcome(outcome, link.policy),
    }));
    for (const { partIndex, verdict } of verdicts) {
      if (verdict.kind !== 'accepted') continue;
      accepted.set(partIndex, verdict.carrierMessageId);
      this.recent.rememberAcceptedPart(
        message.messageId,
        carrierId,
        partIndex,
        verdict.carrierMessageId,
      );
    }
    await this.conclude(event, parts.length, accepted, verdicts);
  }

  private async conclude(
    event: SmsOutboundEvent,
    total: number,
    accepted: ReadonlyMap<number, string>,
    verdicts: ReadonlyArray<{ partIndex: number; verdict: PartVerdict }>,
  ): Promise<void> {
    const { messageId } = event.message;
    if (verdicts.every(({ verdict }) => verdict.kind === 'accepted')) {
      // The usual case, without sorting the verdicts by kind: every part accepted, sms.sent.
      this.throttledRounds.forget(messageId);
      await this.reporter.sent(event, sentPartsOf(accepted));
      return;
    }
    const of = <K extends PartVerdict['kind']>(kind: K) =>
      verdicts.flatMap(({ partIndex, verdict }) =>
        verdict.kind === kind
          ? [{ partIndex, ...(verdict as Extract<PartVerdict, { kind: K }>) }]
          : [],
      );
    const partNote = (partIndex: number) =>
      total > 1 ? ` (part ${partIndex + 1} of ${total}; ${accepted.size} accepted)` : '';

    const [rejection] = of('rejected');
    if (rejection) {
      this.throttledRounds.forget(messageId);
      await this.reporter.failed(
        event,
        rejection.errorCode,
        `${rejection.detail}${partNote(rejection.partIndex)}`,
      );
      return;
    }
    const failovers = of('failover');
    const throttled = of('throttled');
    if ((failovers.length > 0 || throttled.length > 0) && accepted.size > 0) {
      // The carrier holds part of the message: the rest must follow on the same carrier.
      const reasons = [...failovers, ...throttled].map(
        (item) => `part ${item.partIndex + 1}: ${item.reason}`,
      );
      // CarrierHasItError, not SubmitLaterError: retried alike, but should it be dead-lettered
      // all the same, the message is not failed (the carrier may deliver what it has).
      throw new CarrierHasItError(
        `carrier ${event.carrierId} took ${accepted.size} of ${total} parts of message ${messageId}; retrying the rest: ${reasons.join('; ')}`,
      );
    }
    if (failovers.length > 0) {
      this.throttledRounds.forget(messageId);
      const mayHaveReached = failovers.some((item) => item.mayHaveReached);
      await this.reporter.reroute(
        event,
        `${failovers[0].reason}${partNote(failovers[0].partIndex)}`,
        {
          errorCode: failovers[0].errorCode,
          mayHaveReached,
        },
      );
      return;
    }
    if (throttled.length > 0) {
      const rounds = this.throttledRounds.next(messageId);
      if (rounds > (this.options.throttleRoundsBeforeFailover ?? 3)) {
        this.throttledRounds.forget(messageId);
        await this.reporter.reroute(
          event,
          `carrier kept throttling after ${rounds - 1} rounds: ${throttled[0].reason}`,
          { errorCode: throttled[0].errorCode, mayHaveReached: false },
        );
        return;
      }
      throw new SubmitLaterError(
        `carrier ${event.carrierId} throttled message ${messageId} (round ${rounds}): ${throttled[0].reason}`,
      );
    }
    this.throttledRounds.forget(messageId);
    const [unidentified] = of('unidentified');
    if (unidentified) {
      await this.reporter.unknown(event, `${unidentified.detail}: no receipt can be matched`);
      return;
    }
    await this.reporter.sent(event, sentPartsOf(accepted));
  }

  private submitDurationOf(carrier: string): BoundHistogram {
    let histogram = this.submitDurations.get(carrier);
    if (!histogram) {
      histogram = this.metrics.boundHistogram(METRICS.carrierSubmitDuration, { carrier });
      this.submitDurations.set(carrier, histogram);
    }
    return histogram;
  }
}

function sentPartsOf(accepted: ReadonlyMap<number, string>): SentPart[] {
  return [...accepted].map(([partIndex, carrierMessageId]) => ({ partIndex, carrierMessageId }));
}
