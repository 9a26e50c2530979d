import {
  CONSUMER_GROUPS,
  SMS_OUTBOUND,
  TOPICS,
  outboundTopicFor,
  outboundTopicsFor,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';

import type { KafkaAdminPort, KafkaPort, TopicSpec } from './kafka/kafka.port';

export interface TopicPlanOptions {
  /** Carriers that get an outbound topic (sms.outbound.v1.<carrier>). */
  readonly carriers: readonly string[];
  readonly replicationFactor?: number;
  /** Overrides of partition counts by topic name. */
  readonly partitions?: Readonly<Record<string, number>>;
  /** Consumer groups beyond the services' own, e.g. connector shards (`smpp-connector.<shard>`). */
  readonly extraGroups?: readonly string[];
  /** Topic configuration of every topic created (e.g. retention.ms, min.insync.replicas). */
  readonly config?: Readonly<Record<string, string>>;
  /** Configuration by topic name (as `partitions`), over `config`. */
  readonly topicConfig?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** How new topics are made, whichever topics they are (the operator's provisioning settings). */
export type TopicSettings = Pick<
  TopicPlanOptions,
  'replicationFactor' | 'partitions' | 'config' | 'topicConfig'
>;

/** Partitions of each consumer group's retry topic (charts/tuxhat/files/topics.yaml says so too). */
export const RETRY_TOPIC_PARTITIONS = 3;

/** Every topic the gateway needs, with explicit partition counts: the broker never auto-creates. */
export function planTopics(options: TopicPlanOptions): TopicSpec[] {
  const partitionsOf = (name: string, fallback: number) => options.partitions?.[name] ?? fallback;
  const replicationFactor = options.replicationFactor;
  const configOf = (name: string) => ({ ...options.config, ...options.topicConfig?.[name] });
  const specs: TopicSpec[] = [];
  for (const topic of TOPICS) {
    if (topic === SMS_OUTBOUND) continue;
    // Every lane of a topic gets the topic's partition count (overridable as one): a key must
    // land on the same partition number in each lane.
    for (const name of physicalTopicsOf(topic)) {
      specs.push({
        name,
        partitions: partitionsOf(topic.name, topic.partitions),
        replicationFactor,
        // The contract's own settings (e.g. a short retention), then the operator's.
        config: { ...topic.config, ...configOf(topic.name) },
      });
    }
  }
  for (const carrier of options.carriers) {
    const partitions = partitionsOf(outboundTopicFor(carrier), SMS_OUTBOUND.partitions);
    const config = configOf(outboundTopicFor(carrier));
    for (const name of outboundTopicsFor(carrier)) {
      specs.push({ name, partitions, replicationFactor, config });
    }
  }
  for (const group of [...CONSUMER_GROUPS, ...(options.extraGroups ?? [])]) {
    specs.push(topicSpecWith(options, retryTopicFor(group), RETRY_TOPIC_PARTITIONS));
  }
  return specs;
}

/** One topic of its own name's settings (a retry topic; a tenant's own, made on demand). */
export function topicSpecWith(
  settings: TopicSettings,
  name: string,
  defaultPartitions: number,
): TopicSpec {
  return {
    name,
    partitions: settings.partitions?.[name] ?? defaultPartitions,
    replicationFactor: settings.replicationFactor,
    config: { ...settings.config, ...settings.topicConfig?.[name] },
  };
}

export async function provisionTopics(
  admin: KafkaAdminPort,
  options: TopicPlanOptions,
): Promise<string[]> {
  await admin.connect();
  try {
    return await admin.ensureTopics(planTopics(options));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the outbound topics of one carrier (every lane) that do not exist yet, as the
 * provisioning Job would with the same settings (partition count, replication factor,
 * configuration). For a carrier added while the gateway runs. Returns those created.
 */
export async function ensureOutboundTopics(
  kafka: KafkaPort,
  carrierId: string,
  settings: TopicSettings = {},
): Promise<string[]> {
  const names = outboundTopicsFor(carrierId);
  const admin = kafka.createAdmin();
  await admin.connect();
  try {
    return await admin.ensureTopics(
      planTopics({ ...settings, carriers: [carrierId] }).filter((spec) =>
        names.includes(spec.name),
      ),
    );
  } finally {
    await admin.disconnect();
  }
}
