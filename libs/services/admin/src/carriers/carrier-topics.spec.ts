import { outboundTopicsFor } from '@tuxhat/contracts';

import { createCarrierTopics } from './carrier-topics';

/** Topic creation that answers as `answer` says, recording what it was asked for. */
function creatorWith(answer: (carrierId: string) => Promise<string[]>) {
  const asked: string[] = [];
  const create = (carrierId: string) => {
    asked.push(carrierId);
    return answer(carrierId);
  };
  return { create, asked };
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
  it("creates the carrier's topics and says which", async () => {
    const { create, asked } = creatorWith((id) => Promise.resolve(outboundTopicsFor(id)));
    const logger = recordingLogger();
    await createCarrierTopics(create, 'telco-c', logger);
    expect(asked).toEqual(['telco-c']);
    expect(logger.lines).toEqual([
      `log carrier telco-c: created topic(s) ${outboundTopicsFor('telco-c').join(', ')}`,
    ]);
  });

  it('says nothing when the topics exist already', async () => {
    const { create } = creatorWith(() => Promise.resolve([]));
    const logger = recordingLogger();
    await createCarrierTopics(create, 'telco-c', logger);
    expect(logger.lines).toEqual([]);
  });

  it('only warns when Kafka refuses, so the carrier is created all the same', async () => {
    const { create } = creatorWith(() => Promise.reject(new Error('ECONNREFUSED')));
    const logger = recordingLogger();
    await createCarrierTopics(create, 'telco-c', logger);
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warn carrier telco-c: its outbound topics not created .*ECONNREFUSED/,
      ),
    ]);
  });

  it('gives up waiting after the wait, with a warning', async () => {
    const { create } = creatorWith(() => new Promise<string[]>(() => undefined));
    const logger = recordingLogger();
    const startedAt = performance.now();
    await createCarrierTopics(create, 'telco-c', logger, 50);
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(logger.lines).toEqual([expect.stringMatching(/^warn .*no answer within 50 ms$/)]);
  });
});
