import { PublishCommand } from '@aws-sdk/client-sns';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PRIORITY_CLASS, type SmsOutboundEvent } from '@tuxhat/contracts';
import {
  CarrierHealthReporter,
  ConnectorReporter,
  FailedRounds,
  RecentOutcomes,
} from '@tuxhat/connector-kit';
import { METRICS, SpanKind, inSpan, processMetrics } from '@tuxhat/observability';

import { CarrierClients } from './carrier-clients.service';
import { classifyPublishError } from './publish-error.classifier';
import { smsAttributesFor } from './sms-attributes';
import { SNS_CONNECTOR_OPTIONS, type SnsConnectorOptions } from './sns-connector.options';

/**
 * Thrown when SNS cannot take the message now (throttled, unreachable, failing, or our
 * credentials refused). A plain Error on purpose: the transport sends the event through the
 * consumer group's retry topic with back-off, durably.
 */
export class PublishLaterError extends Error {
  override readonly name = 'PublishLaterError';
}

/**
 * Sends one outbound message with SNS Publish to the phone number (SNS encodes and splits the
 * text itself), through the account's throughput gate, and reports the result: sms.sent with the
 * SNS MessageId as part 0's carrier id, a `failed` status with the AWS error code, or, after
 * `failoverAfterRounds` transient failures in a row (each retried through the bus), sms.reroute.
 */
@Injectable()
export class SmsPublisher {
  private readonly metrics = processMetrics();
  private readonly failedRounds = new FailedRounds();

  constructor(
    private readonly clients: CarrierClients,
    private readonly reporter: ConnectorReporter,
    private readonly recent: RecentOutcomes,
    private readonly health: CarrierHealthReporter,
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
  ) {}

  async publish(event: SmsOutboundEvent): Promise<void> {
    const { message, carrierId } = event;
    const target = this.clients.clientOf(carrierId);
    const unserved = target ? undefined : this.clients.unserved(carrierId);
    if (unserved) return this.reporter.notTakenUp(event, unserved);
    if (!target) {
      throw new PublishLaterError(
        `carrier ${carrierId} is not served by this sns-connector (serves: ${this.clients.heldCarriers().join(', ') || 'none'})`,
      );
    }
    if (target.stopped) {
      // Disabled while the pod runs: routing takes another carrier, or waits for one.
      await this.reporter.reroute(event, `carrier ${carrierId} is disabled`, {
        errorCode: 'CARRIER_DISABLED',
        mayHaveReached: false,
      });
      return;
    }

    // SNS took it before but sms.sent could not be published: say so now, never text again.
    let snsMessageId = this.recent.acceptedParts(message.messageId, carrierId).get(0);
    if (snsMessageId === undefined) {
      await target.gate.pass(message.priority ?? DEFAULT_PRIORITY_CLASS);
      this.health.count(carrierId, 'submitted');
      const publishing = performance.now();
      try {
        const output = await inSpan(
          'sns Publish',
          { kind: SpanKind.CLIENT, attributes: { 'tuxhat.carrier.id': carrierId } },
          () =>
            target.client.send(
              new PublishCommand({
                PhoneNumber: message.destination,
                Message: message.text,
                MessageAttributes: smsAttributesFor(target.carrier.settings, message),
              }),
            ),
        );
        snsMessageId = output.MessageId;
        this.metrics.observe(
          METRICS.carrierSubmitDuration,
          { carrier: carrierId },
          (performance.now() - publishing) / 1_000,
        );
        this.clients.noteOutcome(target, undefined);
      } catch (error) {
        const verdict = classifyPublishError(error);
        if (verdict.kind === 'transient') {
          if (verdict.throttled) {
            this.health.count(carrierId, 'throttled');
            target.gate.holdFor(this.options.throttlePauseMs ?? 1_000);
          } else {
            // SNS failing, unreachable or refusing our credentials: the carrier's fault.
            this.health.count(carrierId, 'errors');
            this.health.count(carrierId, 'faults');
          }
          this.clients.noteOutcome(target, verdict.reason.slice(0, 200));
          const rounds = this.failedRounds.next(message.messageId);
          if (rounds >= (this.options.failoverAfterRounds ?? 3)) {
            // Not on the retry topic for ever (its end is the dead-letter topic, which would
            // leave the message without a final state): routing tries another carrier, waits
            // for one when SNS surely does not have it, or records the end.
            this.failedRounds.forget(message.messageId);
            await this.reporter.reroute(
              event,
              `SNS failed ${rounds} time(s) in a row: ${verdict.reason}`,
              { mayHaveReached: verdict.mayHaveReached },
            );
            return;
          }
          throw new PublishLaterError(
            `carrier ${carrierId}, message ${message.messageId} (round ${rounds}): ${verdict.reason}`,
          );
        }
        this.failedRounds.forget(message.messageId);
        // SNS answered, and refused this message: the account is fine.
        this.health.count(carrierId, 'errors');
        this.clients.noteOutcome(target, undefined);
        await this.reporter.failed(event, verdict.errorCode, verdict.detail);
        return;
      }
      if (!snsMessageId) {
        // Sent, but nothing to correlate with: retrying would text the phone twice.
        await this.reporter.unknown(event, 'SNS accepted Publish but returned no MessageId');
        return;
      }
      this.failedRounds.forget(message.messageId);
      this.recent.rememberAcceptedPart(message.messageId, carrierId, 0, snsMessageId);
    }
    await this.reporter.sent(event, [{ partIndex: 0, carrierMessageId: snsMessageId }]);
  }
}
