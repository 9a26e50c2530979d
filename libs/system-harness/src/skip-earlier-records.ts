import { CONSUMER_GROUPS, TOPICS, physicalTopicsOf, retryTopicFor } from '@tuxhat/contracts';
import { fetchTopicOffsetsWhenReady } from '@tuxhat/testing';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Moves the services' consumer groups to the end of every topic they read, before a cluster
 * starts on a fresh database. A shared Kafka keeps the records of earlier runs (other
 * databases): left behind, the new services would consume them first, and every one of them
 * fails (no such message) through the retry topics to the dead letters. Measured on the
 * bench: the dlr process alone spent 40 % of a core on such a backlog while idle.
 *
 * Only for test and bench clusters. A group with members (another cluster running on the same
 * Kafka) is left alone.
 */
export async function skipEarlierRecords(brokers: readonly string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'tuxhat-system-harness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const contractTopics = TOPICS.flatMap((topic) => physicalTopicsOf(topic));
    const ends = new Map<string, { partition: number; offset: string }[]>();
    const endOf = async (topic: string) => {
      let partitions = ends.get(topic);
      if (!partitions) {
        const offsets = await fetchTopicOffsetsWhenReady(admin, topic);
        partitions = offsets.map(({ partition, high }) => ({ partition, offset: high }));
        ends.set(topic, partitions);
      }
      return partitions;
    };
    const { groups } = await admin.describeGroups([...CONSUMER_GROUPS]);
    await Promise.all(
      groups.map(async ({ groupId, state }) => {
        // Members: another cluster runs on this Kafka with the same groups; it keeps its place.
        if (state !== 'Empty' && state !== 'Dead') {
          console.warn(`system-harness: consumer group ${groupId} is ${state}; its offsets stay`);
          return;
        }
        // Topics the group committed on before (per-carrier outbound topics among them), the
        // contract topics and its retry topic.
        const committed = await admin.fetchOffsets({ groupId });
        const topics = [
          ...new Set([
            ...committed.map(({ topic }) => topic),
            ...contractTopics,
            retryTopicFor(groupId),
          ]),
        ].filter((topic) => existing.has(topic));
        const offsets = (
          await Promise.all(
            topics.map(async (topic) =>
              (await endOf(topic)).map(({ partition, offset }) => ({ topic, partition, offset })),
            ),
          )
        ).flat();
        await commitAsMember(kafka, groupId, topics, offsets);
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Commits the offsets as a member of the group: one join per group. (admin.setOffsets joins
 * the group once per topic and waits out a fetch each time: 5 s a topic.)
 */
async function commitAsMember(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  offsets: readonly { topic: string; partition: number; offset: string }[],
): Promise<void> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.run({ autoCommit: false, eachBatch: async () => {} });
    await joined;
    await consumer.commitOffsets([...offsets]);
  } finally {
    await consumer.disconnect();
  }
}
