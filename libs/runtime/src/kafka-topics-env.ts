import { envTypes } from '@tuxhat/config';
import type { TopicSettings } from '@tuxhat/messaging';
import { z } from 'zod';

/**
 * How new topics are made: read by the topics script (the Helm provisioning Job) and by every
 * cluster service, since the admin API and the connectors create a carrier added while the
 * gateway runs its outbound topics themselves, and those must come out as the Job's would.
 * Settings apply when a topic is created; existing topics are not altered.
 */
export const kafkaTopicsEnvSchema = z.object({
  /** Replication factor of new topics; unset: the brokers' default.replication.factor. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).optional(),
  /** JSON {"<topic>": count}: partition counts by topic name (a laned topic's lanes follow it). */
  KAFKA_TOPIC_PARTITIONS: envTypes.json(z.record(z.string(), z.int().min(1))).optional(),
  /** JSON {"retention.ms": "604800000", ...}: every new topic's configuration. */
  KAFKA_TOPIC_CONFIG: envTypes.json(z.record(z.string(), z.string())).optional(),
  /** JSON {"<topic>": {"retention.ms": "..."}}: one topic's configuration, over the above. */
  KAFKA_TOPIC_OVERRIDES: envTypes
    .json(z.record(z.string(), z.record(z.string(), z.string())))
    .optional(),
});

export type KafkaTopicsEnv = z.infer<typeof kafkaTopicsEnvSchema>;

/** The topic settings these variables give (what is unset is left to the defaults). */
export function topicSettingsOf(env: KafkaTopicsEnv): TopicSettings {
  return {
    ...(env.KAFKA_REPLICATION_FACTOR ? { replicationFactor: env.KAFKA_REPLICATION_FACTOR } : {}),
    ...(env.KAFKA_TOPIC_PARTITIONS ? { partitions: env.KAFKA_TOPIC_PARTITIONS } : {}),
    ...(env.KAFKA_TOPIC_CONFIG ? { config: env.KAFKA_TOPIC_CONFIG } : {}),
    ...(env.KAFKA_TOPIC_OVERRIDES ? { topicConfig: env.KAFKA_TOPIC_OVERRIDES } : {}),
  };
}
