import { type Admin, Kafka, logLevel } from 'kafkajs';

/**
 * admin.fetchTopicOffsets for a topic that may have been created moments ago: on a fresh
 * broker (CI) its leaders may not be known yet and the request fails with a retriable error
 * ("not the leader for that topic-partition"). Retries those for up to ten seconds.
 */
export async function fetchTopicOffsetsWhenReady(
  admin: Admin,
  topic: string,
): ReturnType<Admin['fetchTopicOffsets']> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The current end (high watermark) of every partition of `topics`. */
export async function endOffsets(
  kafka: Kafka,
  topics: readonly string[],
): Promise<{ topic: string; partition: number; offset: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await Promise.all(
      topics.map(async (topic) =>
        (await fetchTopicOffsetsWhenReady(admin, topic)).map(({ partition, high }) => ({
          topic,
          partition,
          offset: high,
        })),
      ),
    );
    return ends.flat();
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits a new consumer group's offsets at the current end of `topics`, so its consumers
 * handle only what is published from now on, not the history earlier runs left on the shared
 * broker. One short-lived member joins, commits every partition at once and leaves (kafkajs'
 * admin.setOffsets joins once per topic, seconds each).
 */
export async function startGroupAtEnd(
  brokers: readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-group-offsets',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const ends = await endOffsets(kafka, topics);
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics] });
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    // Handles nothing and resolves no offset: only the explicit commit below counts.
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async () => undefined,
    });
    await joined;
    await consumer.commitOffsets(ends);
  } finally {
    await consumer.disconnect();
  }
}
