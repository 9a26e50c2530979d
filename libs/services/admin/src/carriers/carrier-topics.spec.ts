import { outboundTopicsFor } from '@tuxhat/contracts';
import type { KafkaAdminPort, KafkaPort, TopicSpec } from '@tuxhat/messaging';

import { createCarrierTopics } from './carrier-topics';

/** A Kafka whose admin client connects as `connect` says and creates what it is asked to. */
function kafkaWith(connect: () => Promise<void>) {
  const asked: TopicSpec[] = [];
  const admin: KafkaAdminPort = {
    connect,
    disconnect: () => Promise.resolve(),
    listTopics: () => Promise.resolve([]),
    ensureTopics: (topics) => {
      asked.push(...topics);
      return Promise.resolve(topics.map((topic) => topic.name));
    },
    fetchWatermarks: () => Promise.resolve([]),
    fetchGroupOffsets: () => Promise.resolve([]),
  };
  return { kafka: { createAdmin: () => admin } as unknown as KafkaPort, asked };
}

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    log: (line: string) => lines.push(`log ${line}`),
    warn: (line: string) => lines.push(`warn ${line}`),
  };
}

describe(createCarrierTopics.name, () => {
  it('creates every lane of the carrier and says so', async () => {
    const { kafka, asked } = kafkaWith(() => Promise.resolve());
    const logger = recordingLogger();
    await createCarrierTopics(kafka, 'telco-c', logger);
    expect(asked.map((topic) => topic.name).sort()).toEqual(outboundTopicsFor('telco-c').sort());
    expect(logger.lines).toEqual([expect.stringMatching(/^log carrier telco-c: created topic/)]);
  });

  it('only warns when Kafka refuses, so the carrier is created all the same', async () => {
    const { kafka } = kafkaWith(() => Promise.reject(new Error('ECONNREFUSED')));
    const logger = recordingLogger();
    await createCarrierTopics(kafka, 'telco-c', logger);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warn carrier telco-c: its outbound topics not created .*ECONNREFUSED/,
      ),
    ]);
  });

  it('gives up waiting after the wait, with a warning', async () => {
    const { kafka, asked } = kafkaWith(() => new Promise<void>(() => undefined));
    const logger = recordingLogger();
    const startedAt = performance.now();
    await createCarrierTopics(kafka, 'telco-c', logger, 50);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(asked).toEqual([]);
    expect(logger.lines).toEqual([expect.stringMatching(/^warn .*no answer within 50 ms$/)]);
  });
});
