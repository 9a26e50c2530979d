import type { HistoryEntry } from '../targets/target';

/** When one message passed each point on its way to the carrier, in epoch milliseconds. */
export interface MessageTimes {
  /** The harness sent the request. */
  readonly requested: number;
  /**
   * Ingress accepted it: the time its history's first entry carries, taken when the request was
   * checked, before the group commit wrote the message (so the write is in the next leg).
   */
  readonly accepted?: number;
  /** The policy service decided (its status change). */
  readonly decided?: number;
  /** The routing service picked a carrier. */
  readonly routed?: number;
  /** The carrier (simulator) received the submit_sm. */
  readonly atCarrier?: number;
}

type Point = keyof MessageTimes;

/** The legs of request → submit_sm, each between two points. */
export const STAGES: readonly { readonly name: string; from: Point; to: Point }[] = [
  { name: 'request → accepted by ingress', from: 'requested', to: 'accepted' },
  { name: 'accepted by ingress → policy decision', from: 'accepted', to: 'decided' },
  { name: 'policy decision → routed', from: 'decided', to: 'routed' },
  { name: 'routed → submit_sm at the carrier', from: 'routed', to: 'atCarrier' },
];

/**
 * A message's points from its status history (ingress's entry, the first policy change, the
 * first `routed`).
 */
export function timesOf(
  requested: number,
  history: readonly HistoryEntry[],
  atCarrier: number | undefined,
): MessageTimes {
  const acceptance = history.find((entry) => entry.source === 'ingress');
  const decision = history.find((entry) => entry.source === 'policy');
  const routing = history.find((entry) => entry.status === 'routed');
  return {
    requested,
    ...(acceptance ? { accepted: Date.parse(acceptance.at) } : {}),
    ...(decision ? { decided: Date.parse(decision.at) } : {}),
    ...(routing ? { routed: Date.parse(routing.at) } : {}),
    ...(atCarrier === undefined ? {} : { atCarrier }),
  };
}

/** Each stage's durations over the messages that passed both of its points. */
export function stageDurations(
  messages: readonly MessageTimes[],
): { readonly name: string; readonly durations: Float64Array }[] {
  return STAGES.map(({ name, from, to }) => ({
    name,
    durations: Float64Array.from(
      messages.flatMap((times) => {
        const start = times[from];
        const end = times[to];
        return start === undefined || end === undefined ? [] : [end - start];
      }),
    ),
  }));
}
