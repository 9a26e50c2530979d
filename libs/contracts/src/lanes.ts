import { DEFAULT_PRIORITY_CLASS, PRIORITY_CLASSES, type PriorityClass } from './events/common';

/**
 * Classes of service travel in separate lanes: a laned topic is three Kafka topics, one per
 * class, so a backlog of bulk messages sits in its own topic and never queues in front of an
 * OTP. The default lane keeps the topic's plain name (tools that predate lanes keep working);
 * the others add the class as a suffix: `sms.submitted.v1.otp`, `sms.outbound.v1.acme.bulk`.
 */
export type Lane = PriorityClass;
export const LANES: readonly Lane[] = PRIORITY_CLASSES;
export const DEFAULT_LANE: Lane = DEFAULT_PRIORITY_CLASS;

export function laneOfMessage(message: { readonly priority?: PriorityClass }): Lane {
  return message.priority ?? DEFAULT_LANE;
}

export function laneTopicName(base: string, lane: Lane): string {
  return lane === DEFAULT_LANE ? base : `${base}.${lane}`;
}

/** Splits a physical topic name into its base and lane, when `isLaned(base)` says it has lanes. */
export function splitLaneTopic(
  physical: string,
  isLaned: (base: string) => boolean,
): { readonly base: string; readonly lane: Lane } {
  for (const lane of LANES) {
    if (lane === DEFAULT_LANE || !physical.endsWith(`.${lane}`)) continue;
    const base = physical.slice(0, -(lane.length + 1));
    if (isLaned(base)) return { base, lane };
  }
  return { base: physical, lane: DEFAULT_LANE };
}
