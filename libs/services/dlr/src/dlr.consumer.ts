import { Controller } from '@nestjs/common';
import {
  SMS_DLR_RAW,
  SMS_SENT,
  SMS_STATUS,
  type SmsDlrRawEvent,
  type SmsSentEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { BatchOutcome, EventPublisher, NotYetError, OnEventBatch } from '@tuxhat/messaging';

import { CorrelationRepository, correlationKey } from './correlation.repository';
import { statusForReceipt } from './receipt-state';

/**
 * Correlates what carriers tell us with our messages: the ids they gave on submit_sm_resp
 * (sms.sent) and the receipts that follow (sms.dlr.raw), into `sent` and final statuses.
 */
@Controller()
export class DlrConsumer {
  constructor(
    private readonly correlations: CorrelationRepository,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEventBatch(SMS_SENT)
  async onSent(events: SmsSentEvent[]): Promise<void> {
    await this.correlations.record(
      events.flatMap((event) =>
        event.parts.map((part) => ({
          carrierId: event.carrierId,
          carrierMessageId: part.carrierMessageId,
          messageId: event.messageId,
          partIndex: part.partIndex,
        })),
      ),
    );
    await Promise.all(
      events.map((event) =>
        this.publisher.publish(SMS_STATUS, {
          ...derivedEnvelope(event.eventId, 'status'),
          messageId: event.messageId,
          tenantId: event.tenantId,
          status: 'sent',
          detail: `carrier ${event.carrierId} accepted ${event.parts.length} part(s): ${event.parts
            .map((part) => part.carrierMessageId)
            .join(', ')}`,
          source: 'dlr',
          carrierId: event.carrierId,
          routeId: event.routeId,
        }),
      ),
    );
  }

  /**
   * A receipt whose carrier id is not known yet (it overtook its submit_sm_resp, or the
   * sms.sent event is still on its way) is retried on the durable retry schedule, and
   * dead-lettered with the reason if it never matches.
   */
  @OnEventBatch(SMS_DLR_RAW)
  async onReceipt(receipts: SmsDlrRawEvent[]): Promise<BatchOutcome> {
    const found = await this.correlations.find(receipts);
    const failures = new Map<number, unknown>();
    await Promise.all(
      receipts.map(async (receipt, index) => {
        const part = found.get(correlationKey(receipt.carrierId, receipt.carrierMessageId));
        if (!part) {
          failures.set(
            index,
            new NotYetError(
              `no message for carrier ${receipt.carrierId} id ${receipt.carrierMessageId}`,
            ),
          );
          return;
        }
        const error =
          receipt.errorCode && receipt.errorCode !== '000' ? ` err ${receipt.errorCode}` : '';
        const partNote = part.parts > 1 ? ` (part ${part.partIndex + 1} of ${part.parts})` : '';
        await this.publisher.publish(SMS_STATUS, {
          ...derivedEnvelope(receipt.eventId, 'status'),
          messageId: part.messageId,
          tenantId: part.tenantId,
          status: statusForReceipt(receipt.state),
          detail: `receipt from ${receipt.carrierId}: ${receipt.rawState}${error}${partNote}`,
          source: 'dlr',
          carrierId: receipt.carrierId,
          ...(receipt.errorCode ? { errorCode: receipt.errorCode } : {}),
        });
      }),
    );
    return BatchOutcome.withFailures(failures);
  }
}
