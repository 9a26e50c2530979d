import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope } from './common';

/** Receipt states as SMPP 3.4 (Appendix B, message_state) names them, normalised by the connector. */
export const receiptState = z.enum([
  'delivered',
  'undeliverable',
  'expired',
  'deleted',
  'rejected',
  'unknown',
  'enroute',
  'accepted',
]);
export type ReceiptState = z.infer<typeof receiptState>;

/**
 * connector -> dlr: a delivery receipt exactly as the carrier sent it, plus the normalised
 * state. The connector answers deliver_sm_resp only after this is on the bus.
 */
export const smsDlrRawEvent = z.object({
  ...eventEnvelope,
  carrierId,
  carrierMessageId: z.string().min(1).max(65),
  state: receiptState,
  /** The carrier's own words (stat:, err:), kept for support. */
  rawState: z.string().max(32),
  errorCode: z.string().max(32).optional(),
  receivedAt: z.iso.datetime({ offset: true }),
  /**
   * Every carrier of the carriers table on the same SMSC account as `carrierId` (host, port,
   * system_id), `carrierId` among them, whichever connector pod holds it and enabled or not;
   * absent when it shares its account with none. An SMSC may deliver a receipt on any bind of
   * the account, so the dlr matches it to a message any of them sent.
   */
  accountCarrierIds: z.array(carrierId).min(2).max(64).optional(),
});
export type SmsDlrRawEvent = z.infer<typeof smsDlrRawEvent>;

export const SMS_DLR_RAW = defineTopic({
  name: 'sms.dlr.raw.v1',
  schema: smsDlrRawEvent,
  keyOf: (event) => `${event.carrierId}:${event.carrierMessageId}`,
  partitions: 6,
});
