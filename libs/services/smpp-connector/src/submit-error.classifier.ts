import {
  CommandStatus,
  SmppClientError,
  SmppInvalidSubmitError,
  type SubmitPartOutcome,
  commandStatusName,
} from '@tuxhat/smpp';

/**
 * What one submitted part's outcome means for the message.
 *  - accepted: the carrier took it and named it (submit_sm_resp ESME_ROK with a message_id).
 *  - transient: try again later through the retry topic: no bind, no answer in time, or the
 *    carrier asked us to slow down. Nothing is lost while a carrier is away.
 *  - rejected: the carrier (or the protocol) refuses this message for good: a `failed` status.
 *  - unidentified: accepted without a message_id (§4.4.2 requires one): sent, but no receipt
 *    can ever be correlated, so the message ends `unknown` rather than `failed`.
 */
export type PartVerdict =
  | { readonly kind: 'accepted'; readonly carrierMessageId: string }
  | { readonly kind: 'transient'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly errorCode: string; readonly detail: string }
  | { readonly kind: 'unidentified'; readonly detail: string };

/**
 * command_status values that mean "not now" rather than "never" (SMPP 3.4 §5.1.3): the SMSC
 * throttles this ESME (0x58) or its queue is full (0x14). Every other non-zero status is the
 * carrier's final word on the message.
 */
export const TRANSIENT_COMMAND_STATUSES: ReadonlySet<number> = new Set([
  CommandStatus.ESME_RTHROTTLED,
  CommandStatus.ESME_RMSGQFUL,
]);

/** `0x0000000B`: how command_status travels as an error code (8 hex digits, §3.2 header field). */
export function commandStatusCode(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** `ESME_RINVDSTADR (0x0000000B)`, or just the hex for carrier-specific codes. */
export function describeCommandStatus(status: number): string {
  const code = commandStatusCode(status);
  const name = commandStatusName(status);
  return name.startsWith('0x') ? code : `${name} (${code})`;
}

export function classifySubmitOutcome(outcome: SubmitPartOutcome): PartVerdict {
  if (!outcome.ok) return classifyClientError(outcome.error);
  const { commandStatus, messageId } = outcome.response;
  if (commandStatus === CommandStatus.ESME_ROK) {
    // C-Octet String (§4.4.2): node-smpp strips the NUL; blanks some SMSCs pad with go too.
    const carrierMessageId = messageId?.trim();
    return carrierMessageId
      ? { kind: 'accepted', carrierMessageId }
      : { kind: 'unidentified', detail: 'carrier accepted submit_sm but returned no message_id' };
  }
  if (TRANSIENT_COMMAND_STATUSES.has(commandStatus)) {
    return {
      kind: 'transient',
      reason: `carrier answered ${describeCommandStatus(commandStatus)}`,
    };
  }
  return {
    kind: 'rejected',
    errorCode: commandStatusCode(commandStatus),
    detail: `carrier rejected submit_sm: ${describeCommandStatus(commandStatus)}`,
  };
}

/**
 * Errors the ESME client reports instead of a response. A submit that cannot be encoded is
 * the message's fault (never sent, never will be); everything else (not bound, connection
 * closed, response timeout) is the link's and passes.
 */
export function classifyClientError(error: SmppClientError): PartVerdict {
  if (error instanceof SmppInvalidSubmitError) {
    return { kind: 'rejected', errorCode: error.code, detail: `cannot submit: ${error.message}` };
  }
  return { kind: 'transient', reason: `${error.code}: ${error.message}` };
}
