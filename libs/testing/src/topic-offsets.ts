import type { Admin } from 'kafkajs';

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
