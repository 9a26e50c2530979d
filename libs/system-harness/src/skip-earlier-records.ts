import { CONSUMER_GROUPS, TOPICS, physicalTopicsOf, retryTopicFor } from '@tuxhat/contracts';
import { startGroupAtEnd } from '@tuxhat/testing';
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
        const topics = new Set([
          ...committed.map(({ topic }) => topic),
          ...contractTopics,
          retryTopicFor(groupId),
        ]);
        await startGroupAtEnd(
          brokers,
          groupId,
          [...topics].filter((topic) => existing.has(topic)),
        );
      }),
    );
  } finally {
    await admin.disconnect();
  }
}
