import { Inject, Injectable, Logger } from '@nestjs/common';
import { SMS_DLR_RAW, SMS_MO_RAW } from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';
import { type InboundDeliver, type MobileOriginated, userDataOf } from '@tuxhat/smpp';

import { dlrRawEventOf, moRawEventOf } from './receipt-event.mapper';
import { addressFromCarrier } from './sms-address';

/**
 * What carriers send us in deliver_sm (SMPP 3.4 §4.6.1): delivery receipts (esm_class message
 * type 0001 or 1000, §5.2.12) become sms.dlr.raw, mobile-originated messages sms.mo.raw, one
 * event per part for a concatenated MO (its UDH or SAR numbering in `concat`: the dlr service
 * reassembles durably, so nothing waits in this pod's memory).
 *
 * Each method's promise gates the deliver_sm_resp: it resolves once the event is durable (then
 * ESME_ROK): on Kafka when the brokers have it, in all-in-one mode when the dlr service has
 * stored it and what it caused (EventPublisher.publishDurably). It rejects when publishing
 * failed or the dlr service was not done in time (then ESME_RX_T_APPN and the SMSC
 * redelivers). Something that can never become an event (an unreadable receipt, a binary MO)
 * is logged and answered ESME_ROK: refusing it would only make the SMSC send it forever.
 */
@Injectable()
export class ReceiptIntake {
  private readonly logger = new Logger('smpp-connector');

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `accountCarrierIds`: the carriers on the SMSC account of the bind it came on (see sms.dlr.raw). */
  async onDeliver(
    carrierId: string,
    deliver: InboundDeliver,
    accountCarrierIds: readonly string[] = [],
  ): Promise<void> {
    switch (deliver.kind) {
      case 'receipt':
        return this.onReceipt(carrierId, deliver, accountCarrierIds);
      case 'mo':
        return this.onMo(carrierId, deliver.mo, deliver.pdu.sourceAddrTon, deliver.pdu.destAddrTon);
      case 'unreadable-receipt':
        this.logger.warn(
          `carrier ${carrierId}: receipt without a readable message id (no receipted_message_id TLV, ` +
            `text not in Appendix B format) dropped: ${preview(userDataOf(deliver.pdu))}`,
        );
        return;
    }
  }

  private async onReceipt(
    carrierId: string,
    deliver: Extract<InboundDeliver, { kind: 'receipt' }>,
    accountCarrierIds: readonly string[],
  ): Promise<void> {
    const mapped = dlrRawEventOf(carrierId, deliver.receipt, this.clock.now(), accountCarrierIds);
    if (!mapped.ok) {
      this.logger.warn(
        `carrier ${carrierId}: receipt for ${JSON.stringify(deliver.receipt.messageId.slice(0, 80))} dropped, ` +
          `it does not fit sms.dlr.raw (${mapped.reason}): ${preview(userDataOf(deliver.pdu))}`,
      );
      return;
    }
    await this.publisher.publishDurably(SMS_DLR_RAW, mapped.event);
  }

  private async onMo(
    carrierId: string,
    mo: MobileOriginated,
    sourceTon: number,
    destTon: number,
  ): Promise<void> {
    const source = addressFromCarrier(mo.sourceAddr, sourceTon);
    const destination = addressFromCarrier(mo.destinationAddr, destTon);
    if (mo.text === undefined) {
      this.logger.warn(
        `carrier ${carrierId}: binary MO from ${source} to ${destination} (data_coding 0x${mo.dataCoding.toString(16)}) ` +
          'dropped: sms.mo.raw carries text only',
      );
      return;
    }
    const concat =
      mo.concat && mo.concat.total > 1
        ? { reference: mo.concat.reference, total: mo.concat.total, seq: mo.concat.sequence }
        : undefined;
    const mapped = moRawEventOf(
      carrierId,
      { source, destination, text: mo.text, ...(concat ? { concat } : {}) },
      this.clock.now(),
    );
    if (!mapped.ok) {
      this.logger.warn(
        `carrier ${carrierId}: MO from ${source} dropped, it does not fit sms.mo.raw (${mapped.reason})`,
      );
      return;
    }
    await this.publisher.publishDurably(SMS_MO_RAW, mapped.event);
  }
}

/** The first octets of a short message, for logs: printable ASCII as is, the rest as hex. */
function preview(octets: Buffer): string {
  const head = octets.subarray(0, 80);
  const text = head.toString('latin1');
  return /^[\x20-\x7e]*$/.test(text) ? JSON.stringify(text) : `0x${head.toString('hex')}`;
}
