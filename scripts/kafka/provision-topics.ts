/**
 * Creates every topic the gateway uses, with explicit partition counts (the broker must not
 * auto-create them): the contract topics, one outbound topic per carrier in the database, and
 * each service's retry topic. Existing topics are left as they are.
 *   KAFKA_BROKERS=... DATABASE_URL=... node dist/scripts/kafka/provision-topics.js
 *   env: KAFKA_SSL, KAFKA_SSL_*_FILE, KAFKA_SASL_* (as the services: libs/runtime/src/kafka-connection.ts),
 *        KAFKA_REPLICATION_FACTOR (default: the broker's default),
 *        KAFKA_EXTRA_CONSUMER_GROUPS (connector shards, e.g. smpp-connector.telco-a),
 *        KAFKA_TOPIC_PARTITIONS   JSON {"<topic>": count}: partition counts by topic name,
 *        KAFKA_TOPIC_CONFIG       JSON {"retention.ms": "604800000", ...}: every new topic's config,
 *        KAFKA_TOPIC_OVERRIDES    JSON {"<topic>": {"retention.ms": "..."}}: one topic's config.
 *   A laned topic's lanes (sms.submitted.v1.otp, ...) follow its name's settings. Settings apply
 *   when a topic is created; existing topics are not altered (kafka-configs.sh does that). The
 *   services read the same variables (libs/runtime/src/kafka-topics-env.ts): a carrier added
 *   while the gateway runs gets its outbound topics from the admin API or its connector.
 */
import { envTypes, parseEnv } from '@tuxhat/config';
import { createDatabase } from '@tuxhat/database';
import { KafkajsAdapter, provisionTopics } from '@tuxhat/messaging';
import {
  createLogger,
  kafkaConnectionOptions,
  kafkaEnvSchema,
  kafkaTopicsEnvSchema,
  runMain,
  topicSettingsOf,
} from '@tuxhat/runtime';
import { z } from 'zod';

const schema = z.object({
  ...kafkaEnvSchema.shape,
  ...kafkaTopicsEnvSchema.shape,
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL'),
  KAFKA_EXTRA_CONSUMER_GROUPS: envTypes.list().optional(),
});

runMain(async () => {
  const env = parseEnv(schema);
  // Before the database: a Kafka setting that is wrong stops the script before any work.
  const connection = kafkaConnectionOptions(env, 'tuxhat-provision-topics');
  const database = await createDatabase({ url: env.DATABASE_URL });
  let carriers: string[];
  try {
    carriers = (await database.prisma.carrier.findMany({ select: { id: true } })).map(
      (carrier) => carrier.id,
    );
  } finally {
    await database.close();
  }
  const kafka = new KafkajsAdapter(connection, createLogger('provision-topics'));
  const created = await provisionTopics(kafka.createAdmin(), {
    carriers,
    ...(env.KAFKA_EXTRA_CONSUMER_GROUPS ? { extraGroups: env.KAFKA_EXTRA_CONSUMER_GROUPS } : {}),
    ...topicSettingsOf(env),
  });
  process.stdout.write(
    created.length > 0 ? `created ${created.join(', ')}\n` : 'all topics exist\n',
  );
});
