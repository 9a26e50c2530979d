import {
  type MessageStatus,
  type SmsStatusEvent,
  isFinalStatus,
  statusRank,
} from '@tuxhat/contracts';

/**
 * Whether a message in status `from` moves to `to`. Forward only: a higher rank always wins; at
 * the same rank the newer event wins (a failover's second `routed` names the new carrier),
 * except among final states, where the first one stays (a late contradicting receipt never
 * rewrites what the tenant was already told). The projector's SQL applies the same rule.
 */
export function advances(from: MessageStatus, to: MessageStatus): boolean {
  const fromRank = statusRank(from);
  const toRank = statusRank(to);
  return toRank > fromRank || (toRank === fromRank && !isFinalStatus(from));
}

/**
 * The one event per message that decides its projected status, out of a batch in arrival
 * order. Applying the result to the stored status with `advances` gives the same status as
 * applying every event one by one (the rule is a total preorder with final states on top), so
 * the whole batch takes one UPDATE.
 */
export function decisiveEvents(events: readonly SmsStatusEvent[]): SmsStatusEvent[] {
  const decisive = new Map<string, SmsStatusEvent>();
  for (const event of events) {
    const current = decisive.get(event.messageId);
    if (!current || advances(current.status, event.status)) decisive.set(event.messageId, event);
  }
  return [...decisive.values()];
}

/** Room for the position of an event in its batch (far more than any batch holds). */
const POSITIONS = 2 ** 24;

/**
 * A number per event (same order as `events`) such that, for ANY subset of the batch (say, the
 * events that were new to the history), the event of highest precedence per message is the one
 * `decisiveEvents` picks: rank first; within a rank a final state above a non-final one, the
 * first final state (it stays), else the last event (the newer wins). This lets the projector's
 * SQL pick the decisive events with one ORDER BY.
 */
export function precedences(events: readonly SmsStatusEvent[]): number[] {
  if (events.length >= POSITIONS) throw new RangeError(`batch of ${events.length} events`);
  return events.map((event, position) => {
    const withinRank = isFinalStatus(event.status)
      ? POSITIONS + (POSITIONS - 1 - position)
      : position;
    return statusRank(event.status) * 2 * POSITIONS + withinRank;
  });
}
