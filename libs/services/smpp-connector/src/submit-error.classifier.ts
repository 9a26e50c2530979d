import {
  CommandStatus,
  type SmppClientError,
  SmppInvalidSubmitError,
  type SubmitPartOutcome,
  commandStatusName,
} from '@tuxhat/smpp';

/**
 * What one submitted part's outcome means for the message.
 *  - accepted: the carrier took it and named it (submit_sm_resp ESME_ROK with a message_id).
 *  - unidentified: accepted without a message_id (§4.4.2 requires one): sent, but no receipt
 *    can ever be correlated, so the message ends `unknown` rather than `failed`.
 *  - throttled: the carrier asks us to slow down (ESME_RTHROTTLED, ESME_RMSGQFUL): back off and
 *    try the same carrier again.
 *  - failover: this carrier cannot take it now but another may: an error status of the
 *    retryable kind, no bind up, or the link failed. `mayHaveReached` when the carrier may have
 *    the part after all (response timeout, connection lost while waiting): then this carrier
 *    must never get the message again.
 *  - rejected: final: the carrier (or the protocol) refuses this message: a `failed` status.
 */
export type PartVerdict =
  | { readonly kind: 'accepted'; readonly carrierMessageId: string }
  | { readonly kind: 'unidentified'; readonly detail: string }
  | { readonly kind: 'throttled'; readonly errorCode: string; readonly reason: string }
  | {
      readonly kind: 'failover';
      readonly errorCode: string;
      readonly reason: string;
      readonly mayHaveReached: boolean;
    }
  | { readonly kind: 'rejected'; readonly errorCode: string; readonly detail: string };

/** "Not now" (SMPP 3.4 §5.1.3): the SMSC throttles this ESME (0x58) or its queue is full (0x14). */
export const THROTTLING_COMMAND_STATUSES: ReadonlySet<number> = new Set([
  CommandStatus.ESME_RTHROTTLED,
  CommandStatus.ESME_RMSGQFUL,
]);

/**
 * command_status values that say "not with this carrier" rather than "never": the carrier's
 * system failed (0x08, 0x45, 0x64, 0xFE, 0xFF), or it does not take something another carrier
 * may (this sender or its TON/NPI, service or system type, esm_class, optional parameters,
 * validity, the message length). Failing over costs a routing attempt, so statuses about the
 * destination (0x0B, 0x50, 0x51) and permanent application errors (0x65, 0x66) are not here:
 * every other status is final. Carriers add to or take from this list in their settings.
 */
export const RETRYABLE_COMMAND_STATUSES: ReadonlySet<number> = new Set<number>([
  CommandStatus.ESME_RINVMSGLEN,
  CommandStatus.ESME_RINVCMDLEN,
  CommandStatus.ESME_RINVCMDID,
  CommandStatus.ESME_RINVBNDSTS,
  CommandStatus.ESME_RINVPRTFLG,
  CommandStatus.ESME_RINVREGDLVFLG,
  CommandStatus.ESME_RSYSERR,
  CommandStatus.ESME_RINVSRCADR,
  CommandStatus.ESME_RINVSERTYP,
  CommandStatus.ESME_RINVESMCLASS,
  CommandStatus.ESME_RSUBMITFAIL,
  CommandStatus.ESME_RINVSRCTON,
  CommandStatus.ESME_RINVSRCNPI,
  CommandStatus.ESME_RINVSYSTYP,
  CommandStatus.ESME_RINVSCHED,
  CommandStatus.ESME_RINVEXPIRY,
  CommandStatus.ESME_RINVDFTMSGID,
  CommandStatus.ESME_RX_T_APPN,
  CommandStatus.ESME_RINVOPTPARSTREAM,
  CommandStatus.ESME_ROPTPARNOTALLWD,
  CommandStatus.ESME_RINVPARLEN,
  CommandStatus.ESME_RMISSINGOPTPARAM,
  CommandStatus.ESME_RINVOPTPARAMVAL,
  CommandStatus.ESME_RDELIVERYFAILURE,
  CommandStatus.ESME_RUNKNOWNERR,
]);

/** A carrier's own view of its command_status values (its settings), over the built-in lists. */
export interface StatusPolicy {
  readonly retryable: ReadonlySet<number>;
  readonly final: ReadonlySet<number>;
}

export function statusPolicyOf(settings: {
  readonly retryableStatuses: readonly number[];
  readonly finalStatuses: readonly number[];
}): StatusPolicy {
  return { retryable: new Set(settings.retryableStatuses), final: new Set(settings.finalStatuses) };
}

const NO_OVERRIDES: StatusPolicy = { retryable: new Set(), final: new Set() };

export function isRetryableStatus(status: number, policy: StatusPolicy = NO_OVERRIDES): boolean {
  if (policy.final.has(status)) return false;
  return policy.retryable.has(status) || RETRYABLE_COMMAND_STATUSES.has(status);
}

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

export function classifySubmitOutcome(
  outcome: SubmitPartOutcome,
  policy: StatusPolicy = NO_OVERRIDES,
): PartVerdict {
  if (!outcome.ok) return classifyClientError(outcome.error);
  const { commandStatus, messageId } = outcome.response;
  if (commandStatus === CommandStatus.ESME_ROK) {
    // C-Octet String (§4.4.2): node-smpp strips the NUL; blanks some SMSCs pad with go too.
    const carrierMessageId = messageId?.trim();
    return carrierMessageId
      ? { kind: 'accepted', carrierMessageId }
      : { kind: 'unidentified', detail: 'carrier accepted submit_sm but returned no message_id' };
  }
  const errorCode = commandStatusCode(commandStatus);
  const described = describeCommandStatus(commandStatus);
  if (THROTTLING_COMMAND_STATUSES.has(commandStatus) && !policy.final.has(commandStatus)) {
    return { kind: 'throttled', errorCode, reason: `carrier answered ${described}` };
  }
  if (isRetryableStatus(commandStatus, policy)) {
    return {
      kind: 'failover',
      errorCode,
      reason: `carrier answered ${described}`,
      mayHaveReached: false,
    };
  }
  return { kind: 'rejected', errorCode, detail: `carrier rejected submit_sm: ${described}` };
}

/**
 * Errors the ESME client reports instead of a response. A submit that cannot be encoded is
 * the message's fault (never sent, never will be); everything else is the link's: no bind,
 * connection closed, response timeout. `error.sent` tells whether the carrier may have it.
 */
export function classifyClientError(error: SmppClientError): PartVerdict {
  if (error instanceof SmppInvalidSubmitError) {
    return { kind: 'rejected', errorCode: error.code, detail: `cannot submit: ${error.message}` };
  }
  return {
    kind: 'failover',
    errorCode: error.code,
    reason: `${error.code}: ${error.message}`,
    mayHaveReached: error.sent,
  };
}
