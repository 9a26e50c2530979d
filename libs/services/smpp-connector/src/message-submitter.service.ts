import { Injectable, Logger } from '@nestjs/common';
import { SMS_SENT, SMS_STATUS, type SmsOutboundEvent, derivedEnvelope } from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import {
  MessageTooLongError,
  RegisteredDelivery,
  type ShortMessagePart,
  type SubmitSmParams,
} from '@tuxhat/smpp';

import { CarrierSessions } from './carrier-sessions.service';
import { splitForSubmit } from './message-parts';
import { RecentSubmissions } from './recent-submissions';
import { destinationAddressOf, sourceAddressOf } from './sms-address';
import { classifySubmitOutcome } from './submit-error.classifier';

/**
 * Thrown when a carrier cannot take the message now (no bind, no answer in time, throttled,
 * queue full). A plain Error on purpose: the transport sends the event through the consumer
 * group's retry topic with back-off, so nothing is lost while a carrier is away.
 */
export class SubmitLaterError extends Error {
  override readonly name = 'SubmitLaterError';
}

/** What the connector says about a message, as sms.status `source`. */
const SOURCE = 'smpp-connector';

/**
 * Sends one outbound message to its carrier: encodes and splits the text, submits every part
 * (submit_sm, SMPP 3.4 §4.4) with a delivery receipt requested (§5.2.17), and reports the
 * result: sms.sent with each part's carrier message id, or a `failed` status with the
 * carrier's command_status.
 */
@Injectable()
export class MessageSubmitter {
  private readonly logger = new Logger('smpp-connector');

  constructor(
    private readonly sessions: CarrierSessions,
    private readonly publisher: EventPublisher,
    private readonly recent: RecentSubmissions,
  ) {}

  async submit(event: SmsOutboundEvent): Promise<void> {
    const { message, carrierId } = event;
    const client = this.sessions.clientOf(carrierId);
    if (!client) {
      throw new SubmitLaterError(
        `carrier ${carrierId} is not held by this smpp-connector (held: ${this.sessions.heldCarriers().join(', ') || 'none'})`,
      );
    }

    let parts: ShortMessagePart[];
    try {
      parts = splitForSubmit(message).parts;
    } catch (error) {
      if (!(error instanceof MessageTooLongError)) throw error;
      await this.publishFailed(event, 'message_too_long', error.message);
      return;
    }
    if (parts.length !== message.parts) {
      this.logger.warn(
        `message ${message.messageId}: ${parts.length} part(s) on the wire, ${message.parts} accounted at ingress`,
      );
    }

    const accepted = new Map(this.recent.acceptedParts(message.messageId, carrierId));
    const pending = parts.flatMap((part, index) => (accepted.has(index) ? [] : [{ part, index }]));
    const outcomes = await client.submit(...pending.map(({ part }) => submitParams(event, part)));

    const later: string[] = [];
    let rejection: { errorCode: string; detail: string; partIndex: number } | undefined;
    let unidentified: string | undefined;
    outcomes.forEach((outcome, position) => {
      const partIndex = pending[position].index;
      const verdict = classifySubmitOutcome(outcome);
      switch (verdict.kind) {
        case 'accepted':
          accepted.set(partIndex, verdict.carrierMessageId);
          this.recent.rememberAcceptedPart(
            message.messageId,
            carrierId,
            partIndex,
            verdict.carrierMessageId,
          );
          return;
        case 'transient':
          later.push(`part ${partIndex + 1}: ${verdict.reason}`);
          return;
        case 'rejected':
          rejection ??= { ...verdict, partIndex };
          return;
        case 'unidentified':
          unidentified ??= verdict.detail;
          return;
      }
    });

    if (rejection) {
      const partNote =
        parts.length > 1
          ? ` (part ${rejection.partIndex + 1} of ${parts.length}; ${accepted.size} accepted)`
          : '';
      await this.publishFailed(event, rejection.errorCode, `${rejection.detail}${partNote}`);
      return;
    }
    if (later.length > 0) {
      throw new SubmitLaterError(
        `carrier ${carrierId} did not take message ${message.messageId}: ${later.join('; ')}`,
      );
    }
    if (unidentified) {
      await this.publisher.publish(SMS_STATUS, {
        ...derivedEnvelope(event.eventId, 'unknown'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'unknown',
        detail: `${unidentified}: no receipt can be matched`,
        source: SOURCE,
        carrierId,
        routeId: event.routeId,
      });
      this.recent.remember(message.messageId, {
        outcome: 'unknown',
        carrierId,
        attempt: event.attempt,
      });
      return;
    }

    await this.publisher.publish(SMS_SENT, {
      ...derivedEnvelope(event.eventId, 'sent'),
      messageId: message.messageId,
      tenantId: message.tenantId,
      carrierId,
      routeId: event.routeId,
      parts: [...accepted]
        .sort(([a], [b]) => a - b)
        .map(([partIndex, carrierMessageId]) => ({ partIndex, carrierMessageId })),
    });
    this.recent.remember(message.messageId, { outcome: 'sent', carrierId, attempt: event.attempt });
  }

  private async publishFailed(
    event: SmsOutboundEvent,
    errorCode: string,
    detail: string,
  ): Promise<void> {
    await this.publisher.publish(SMS_STATUS, {
      ...derivedEnvelope(event.eventId, 'failed'),
      messageId: event.message.messageId,
      tenantId: event.message.tenantId,
      status: 'failed',
      detail: detail.slice(0, 512),
      source: SOURCE,
      carrierId: event.carrierId,
      routeId: event.routeId,
      errorCode,
    });
    this.recent.remember(event.message.messageId, {
      outcome: 'failed',
      carrierId: event.carrierId,
      attempt: event.attempt,
    });
  }
}

/** One part as submit_sm (SMPP 3.4 §4.4.1), asking for a final delivery receipt (§5.2.17). */
export function submitParams(event: SmsOutboundEvent, part: ShortMessagePart): SubmitSmParams {
  const source = sourceAddressOf(event.message.source);
  const destination = destinationAddressOf(event.message.destination);
  return {
    sourceAddr: source.addr,
    sourceAddrTon: source.ton,
    sourceAddrNpi: source.npi,
    destinationAddr: destination.addr,
    destAddrTon: destination.ton,
    destAddrNpi: destination.npi,
    shortMessage: part.shortMessage,
    esmClass: part.esmClass,
    dataCoding: part.dataCoding,
    registeredDelivery: RegisteredDelivery.FINAL,
  };
}
