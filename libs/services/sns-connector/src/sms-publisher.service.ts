import { PublishCommand } from '@aws-sdk/client-sns';
import { Injectable } from '@nestjs/common';
import { SMS_SENT, SMS_STATUS, type SmsOutboundEvent, derivedEnvelope } from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';

import { CarrierClients } from './carrier-clients.service';
import { classifyPublishError } from './publish-error.classifier';
import { RecentPublishes } from './recent-publishes';
import { smsAttributesFor } from './sms-attributes';

/**
 * Thrown when SNS cannot take the message now (throttled, unreachable, failing, or our
 * credentials refused). A plain Error on purpose: the transport sends the event through the
 * consumer group's retry topic with back-off.
 */
export class PublishLaterError extends Error {
  override readonly name = 'PublishLaterError';
}

const SOURCE = 'sns-connector';

/**
 * Sends one outbound message with SNS Publish to the phone number (SNS encodes and splits the
 * text itself) and reports the result: sms.sent with the SNS MessageId as part 0's carrier id,
 * or a `failed` status with the AWS error code.
 */
@Injectable()
export class SmsPublisher {
  constructor(
    private readonly clients: CarrierClients,
    private readonly publisher: EventPublisher,
    private readonly recent: RecentPublishes,
  ) {}

  async publish(event: SmsOutboundEvent): Promise<void> {
    const { message, carrierId } = event;
    const target = this.clients.clientOf(carrierId);
    if (!target) {
      throw new PublishLaterError(
        `carrier ${carrierId} is not served by this sns-connector (serves: ${this.clients.heldCarriers().join(', ') || 'none'})`,
      );
    }

    let messageId = this.recent.acceptedId(message.messageId, carrierId);
    if (messageId === undefined) {
      try {
        const output = await target.client.send(
          new PublishCommand({
            PhoneNumber: message.destination,
            Message: message.text,
            MessageAttributes: smsAttributesFor(target.carrier.settings, message.source),
          }),
        );
        messageId = output.MessageId;
      } catch (error) {
        const verdict = classifyPublishError(error);
        if (verdict.kind === 'transient') {
          throw new PublishLaterError(
            `carrier ${carrierId}, message ${message.messageId}: ${verdict.reason}`,
          );
        }
        await this.publishStatus(event, 'failed', verdict.detail, verdict.errorCode);
        this.recent.remember(message.messageId, {
          outcome: 'failed',
          carrierId,
          attempt: event.attempt,
        });
        return;
      }
      if (!messageId) {
        // Sent, but nothing to correlate with: retrying would text the phone twice.
        await this.publishStatus(
          event,
          'unknown',
          'SNS accepted Publish but returned no MessageId',
        );
        this.recent.remember(message.messageId, {
          outcome: 'sent',
          carrierId,
          attempt: event.attempt,
        });
        return;
      }
      this.recent.rememberAccepted(message.messageId, carrierId, messageId);
    }

    await this.publisher.publish(SMS_SENT, {
      ...derivedEnvelope(event.eventId, 'sent'),
      messageId: message.messageId,
      tenantId: message.tenantId,
      carrierId,
      routeId: event.routeId,
      parts: [{ partIndex: 0, carrierMessageId: messageId }],
    });
    this.recent.remember(message.messageId, { outcome: 'sent', carrierId, attempt: event.attempt });
  }

  private async publishStatus(
    event: SmsOutboundEvent,
    status: 'failed' | 'unknown',
    detail: string,
    errorCode?: string,
  ): Promise<void> {
    await this.publisher.publish(SMS_STATUS, {
      ...derivedEnvelope(event.eventId, status),
      messageId: event.message.messageId,
      tenantId: event.message.tenantId,
      status,
      detail: detail.slice(0, 512),
      source: SOURCE,
      carrierId: event.carrierId,
      routeId: event.routeId,
      ...(errorCode ? { errorCode } : {}),
    });
  }
}
