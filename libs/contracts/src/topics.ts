import { ACCOUNTING_RECORDS } from './events/accounting-record.event';
import { CARRIER_HEALTH } from './events/carrier-health.event';
import { DEAD_LETTER } from './events/dead-letter.event';
import { SMS_ACCEPTED } from './events/sms-accepted.event';
import { SMS_DLR_RAW } from './events/sms-dlr-raw.event';
import { SMS_MO_RAW } from './events/sms-mo-raw.event';
import { SMS_OUTBOUND, SMS_OUTBOUND_PREFIX } from './events/sms-outbound.event';
import { SMS_REROUTE } from './events/sms-reroute.event';
import { SMS_SENT } from './events/sms-sent.event';
import { SMS_STATUS } from './events/sms-status.event';
import { SMS_SUBMITTED } from './events/sms-submitted.event';
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
  DEAD_LETTER,
] as const satisfies readonly TopicDefinition[];

const byName = new Map<string, TopicDefinition>(TOPICS.map((topic) => [topic.name, topic]));

/** The logical topic a physical Kafka topic belongs to (`sms.outbound.v1.acme` -> sms.outbound.v1). */
export function topicForPhysicalName(physical: string): TopicDefinition | undefined {
  if (physical.startsWith(SMS_OUTBOUND_PREFIX)) return SMS_OUTBOUND;
  return byName.get(physical);
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
