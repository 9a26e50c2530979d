import type { SmppSettings } from './smpp-carrier.repository';
import type { SmsOutboundEvent } from '@tuxhat/contracts';
import {
  RegisteredDelivery,
  type ShortMessagePart,
  type SubmitSmParams,
  formatAbsoluteTime,
} from '@tuxhat/smpp';

import { destinationAddressOf, sourceAddressOf } from './sms-address';

const REGISTERED_DELIVERY: Readonly<Record<SmppSettings['registeredDelivery'], number>> = {
  final: RegisteredDelivery.FINAL,
  failure: RegisteredDelivery.FAILURE,
  none: RegisteredDelivery.NONE,
};

/**
 * One part as submit_sm (SMPP 3.4 §4.4.1) for this carrier: its TON/NPI, the receipt it asks
 * for (§5.2.17), the message's validity as an absolute validity_period (§7.1.1), and the SAR
 * TLVs or message_payload when the carrier concatenates that way.
 */
export function submitParamsOf(
  event: SmsOutboundEvent,
  part: ShortMessagePart,
  settings: Pick<
    SmppSettings,
    'sourceTon' | 'sourceNpi' | 'destTon' | 'destNpi' | 'registeredDelivery'
  >,
): SubmitSmParams {
  const source = sourceAddressOf(event.message.source, settings);
  const destination = destinationAddressOf(event.message.destination, settings);
  const { validUntil } = event.message;
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
    registeredDelivery: REGISTERED_DELIVERY[settings.registeredDelivery],
    ...(validUntil ? { validityPeriod: formatAbsoluteTime(new Date(validUntil)) } : {}),
    ...(part.messagePayload ? { messagePayload: part.messagePayload } : {}),
    ...(part.sar
      ? {
          sarMsgRefNum: part.sar.reference,
          sarTotalSegments: part.sar.total,
          sarSegmentSeqnum: part.sar.sequence,
        }
      : {}),
  };
}
