import { ACCOUNTING_RECORDS } from './events/accounting-record.event';
import { CARRIER_HEALTH } from './events/carrier-health.event';
import { DEAD_LETTER } from './events/dead-letter.event';
import { OPS_DLR_TRIGGERS } from './events/dlr-trigger.event';
import { SMS_ACCEPTED } from './events/sms-accepted.event';
import { SMS_DLR_RAW } from './events/sms-dlr-raw.event';
import { SMS_MO_RAW } from './events/sms-mo-raw.event';
import { SMS_OUTBOUND, SMS_OUTBOUND_PREFIX } from './events/sms-outbound.event';
import { SMS_REROUTE } from './events/sms-reroute.event';
import { SMS_SENT } from './events/sms-sent.event';
import { SMS_STATUS } from './events/sms-status.event';
import { SMS_SUBMITTED } from './events/sms-submitted.event';
import { TENANT_USAGE_WARNING } from './events/tenant-usage-warning.event';
import { LANES, type Lane, laneTopicName, splitLaneTopic } from './lanes';
import type { TopicDefinition } from './topic';

/**
 * Every topic the gateway produces or consumes. These names are wire contracts shared with
 * billing and operators' tooling: change them only by adding a new version.
 */
export const TOPICS = [
  SMS_SUBMITTED,
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_SENT,
  SMS_REROUTE,
  SMS_STATUS,
  CARRIER_HEALTH,
  SMS_DLR_RAW,
  SMS_MO_RAW,
  ACCOUNTING_RECORDS,
  OPS_DLR_TRIGGERS,
  DEAD_LETTER,
  TENANT_USAGE_WARNING,
  // Per-tenant families (tenant.<tenant>.status.v1 / .mo.v1, events/tenant-*.event.ts) are
  // created on demand by the dlr service, for tenants that ask for them: not listed here.
] as const satisfies readonly TopicDefinition[];

const byName = new Map<string, TopicDefinition>(TOPICS.map((topic) => [topic.name, topic]));

/**
 * The logical topic a physical Kafka topic belongs to (`sms.outbound.v1.acme.otp` ->
 * sms.outbound.v1, `sms.submitted.v1.bulk` -> sms.submitted.v1).
 */
export function topicForPhysicalName(physical: string): TopicDefinition | undefined {
  if (physical.startsWith(SMS_OUTBOUND_PREFIX)) return SMS_OUTBOUND;
  return byName.get(splitPhysicalTopic(physical).base);
}

/** The lane a physical topic carries; topics without lanes count as the default lane. */
export function laneOfPhysicalTopic(physical: string): Lane {
  return splitPhysicalTopic(physical).lane;
}

function splitPhysicalTopic(physical: string): { base: string; lane: Lane } {
  return splitLaneTopic(physical, (base) => {
    if (base.startsWith(SMS_OUTBOUND_PREFIX)) {
      // sms.outbound.v1.<carrier>: carrier ids are non-empty slugs without dots.
      const carrier = base.slice(SMS_OUTBOUND_PREFIX.length);
      return carrier.length > 0 && !carrier.includes('.');
    }
    return base !== SMS_OUTBOUND.name && byName.get(base)?.laneOf !== undefined;
  });
}

/** Every physical topic behind a logical one: its lanes, or just its name. */
export function physicalTopicsOf(topic: TopicDefinition): string[] {
  return topic.laneOf ? LANES.map((lane) => laneTopicName(topic.name, lane)) : [topic.name];
}

export function topicByName(name: string): TopicDefinition | undefined {
  return byName.get(name);
}

/** Each consumer group has its own durable retry topic, so one service's back-off never delays another's. */
export function retryTopicFor(consumerGroup: string): string {
  return `tuxhat.retry.v1.${consumerGroup}`;
}

/**
 * The consumer groups, one per service. Each has a retry topic the project creates up front.
 * Wire contract: renaming a group loses its committed offsets.
 */
export const CONSUMER_GROUPS = [
  'ingress',
  'policy',
  'routing',
  'smpp-connector',
  'sns-connector',
  'dlr',
  'accounting',
] as const;
export type ConsumerGroup = (typeof CONSUMER_GROUPS)[number];
