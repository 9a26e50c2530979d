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
