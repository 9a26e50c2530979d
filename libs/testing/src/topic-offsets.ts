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

/**
 * Commits `groupId`'s offsets at the current end of each of `topics`, so a group that would
 * start at the beginning (a new one, subscribing fromBeginning) skips what the shared broker
 * already holds from other runs. Joins the group once as a member to commit (admin.setOffsets
 * joins once per topic and waits out a fetch each time: 5 s a topic). The group must have no
 * other members.
 */
export async function moveGroupToTopicEnds(
  brokers: readonly string[],
  groupId: string,
  topics: readonly string[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'tuxhat-test-offsets',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    const offsets = (
      await Promise.all(
        topics.map(async (topic) =>
          (await fetchTopicOffsetsWhenReady(admin, topic)).map(({ partition, high }) => ({
            topic,
            partition,
            offset: high,
          })),
        ),
      )
    ).flat();
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.run({ autoCommit: false, eachBatch: async () => {} });
    await joined;
    await consumer.commitOffsets(offsets);
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
