import {
  type PriceAdjustment,
  type PriorityClass,
  type RecordFinalStatus,
  type SmsStatusEvent,
  isRecordFinalStatus,
} from '@tuxhat/contracts';

/**
 * An accounting record as the service works on it: the accounting_records row's fields that
 * events and billing decide. Built from the stored row (or the message, for a first event),
 * changed by status events in memory, written back in one statement per batch.
 */
export interface RecordDraft {
  readonly messageId: string;
  readonly tenantId: string;
  readonly classOfService: PriorityClass;
  readonly source: string;
  readonly destination: string;
  country: string | null;
  network: string | null;
  readonly clientReference: string | null;
  readonly metadata: unknown;
  carrierId: string | null;
  routeId: string | null;
  readonly parts: number;
  readonly encoding: string;
  finalStatus: RecordFinalStatus | null;
  errorCode: string | null;
  costMinor: number;
  costCurrency: string;
  priceMinor: number;
  priceCurrency: string;
  listPriceMinor: number;
  tariffId: string | null;
  billingMode: 'prepaid' | 'postpaid' | null;
  chargeOn: 'submit' | 'delivery' | null;
  charged: boolean;
  adjustments: PriceAdjustment[];
  readonly acceptedAt: Date;
  routedAt: Date | null;
  sentAt: Date | null;
  finalAt: Date | null;
  revision: number;
  readonly publishedRevision: number;
  publishPending: boolean;
  readonly publishClaimed: boolean;
  /** The row version read (-1: no row yet); the write expects it unchanged. */
  readonly rowVersion: number;
}

/** What a status event did to a draft. */
export type Change =
  /** Nothing: a replay, or a step after the record was fixed. */
  | 'none'
  /** Steps (routing, carrier, cost, times) of a record that is not out yet. */
  | 'steps'
  /** The message became final: price it. */
  | 'final'
  /** A carrier confirmed a final state the gateway had only assumed: price it again. */
  | 'correction';

/**
 * Final states the gateway decides without the carrier's word: no receipt came in time
 * (expired) or the carrier's answer was lost (unknown). Only these are corrected by a later
 * receipt; any other final state is the message's last word (first final state wins).
 */
const ASSUMED_FINAL_STATES: ReadonlySet<RecordFinalStatus> = new Set(['expired', 'unknown']);
const CARRIER_CONFIRMED_STATES: ReadonlySet<RecordFinalStatus> = new Set([
  'delivered',
  'undeliverable',
]);

/** Final states in which no carrier took the message, so it costs nothing. */
const NOT_CARRIED: ReadonlySet<RecordFinalStatus> = new Set(['rejected', 'failed']);

/**
 * A record may still change in place while its current revision has not gone out and no
 * publisher holds it; otherwise a change becomes a new revision.
 */
export function isOpenForChange(draft: RecordDraft): boolean {
  if (draft.finalStatus === null) return true;
  return draft.revision > draft.publishedRevision && !draft.publishClaimed;
}

/** Applies one status event; returns what changed. Events of other messages are a bug. */
export function applyStatusEvent(draft: RecordDraft, event: SmsStatusEvent): Change {
  if (event.messageId !== draft.messageId)
    throw new Error(`event of ${event.messageId} applied to the record of ${draft.messageId}`);
  const at = new Date(event.occurredAt);
  const status = event.status;
  if (isRecordFinalStatus(status)) return applyFinal(draft, event, status, at);
  if (!isOpenForChange(draft)) return 'none';
  switch (status) {
    case 'routed':
      // A reroute (failover) routes again: the latest routing is the carrier that carried it.
      if (draft.routedAt && at < draft.routedAt) return 'none';
      draft.routedAt = at;
      draft.carrierId = event.carrierId ?? draft.carrierId;
      draft.routeId = event.routeId ?? draft.routeId;
      if (event.cost && !(draft.finalStatus && NOT_CARRIED.has(draft.finalStatus))) {
        draft.costMinor = event.cost.minor;
        draft.costCurrency = event.cost.currency;
      }
      return 'steps';
    case 'sent':
      if (draft.sentAt && at < draft.sentAt) return 'none';
      draft.sentAt = at;
      draft.carrierId = event.carrierId ?? draft.carrierId;
      draft.routeId = event.routeId ?? draft.routeId;
      return 'steps';
    case 'accepted':
      // The acceptance time is the message's own (written by ingress).
      return 'none';
  }
}

function applyFinal(
  draft: RecordDraft,
  event: SmsStatusEvent,
  status: RecordFinalStatus,
  at: Date,
): Change {
  const current = draft.finalStatus;
  if (current === status) return 'none';
  let change: Change;
  if (current === null) change = 'final';
  else if (ASSUMED_FINAL_STATES.has(current) && CARRIER_CONFIRMED_STATES.has(status))
    change = 'correction';
  else return 'none';

  if (change === 'correction' && !isOpenForChange(draft))
    draft.revision = Math.max(draft.revision, draft.publishedRevision) + 1;
  else if (change === 'final') draft.revision = draft.publishedRevision + 1;
  draft.finalStatus = status;
  draft.finalAt = at;
  draft.errorCode = event.errorCode ?? null;
  draft.carrierId = event.carrierId ?? draft.carrierId;
  draft.routeId = event.routeId ?? draft.routeId;
  if (NOT_CARRIED.has(status)) draft.costMinor = 0;
  draft.publishPending = true;
  return change;
}

/** Orders a batch's events of one message as they happened (stable for equal times). */
export function inOccurrenceOrder(events: readonly SmsStatusEvent[]): SmsStatusEvent[] {
  return events
    .map((event, index) => ({ event, index, at: Date.parse(event.occurredAt) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((item) => item.event);
}
