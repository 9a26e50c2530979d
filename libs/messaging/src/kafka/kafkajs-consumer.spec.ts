import type { Consumer } from 'kafkajs';

import { KafkajsConsumer } from './kafkajs.adapter';

type CrashListener = (event: { payload: { error: Error; restart: boolean } }) => void;

/** The part of a kafkajs consumer KafkajsConsumer uses, recording the calls. */
function fakeConsumer() {
  const calls: string[] = [];
  let crash: CrashListener = () => undefined;
  let runs = 0;
  let onRun: () => void = () => undefined;
  let failingConnects = 0;
  const consumer = {
    events: { CRASH: 'consumer.crash' },
    on: (_event: string, listener: CrashListener) => {
      crash = listener;
    },
    connect: () => {
      calls.push('connect');
      if (failingConnects > 0) {
        failingConnects--;
        return Promise.reject(new Error('broker busy'));
      }
      return Promise.resolve();
    },
    subscribe: ({ topics }: { topics: string[] }) => {
      calls.push(`subscribe ${topics.join(',')}`);
      return Promise.resolve();
    },
    run: () => {
      calls.push('run');
      runs++;
      onRun();
      return Promise.resolve();
    },
    disconnect: () => {
      calls.push('disconnect');
      return Promise.resolve();
    },
  };
  return {
    consumer: consumer as unknown as Consumer,
    calls,
    crash: (restart: boolean) => crash({ payload: { error: new Error('boom'), restart } }),
    nextRun: () => new Promise<number>((resolve) => (onRun = () => resolve(runs))),
    failNextConnects: (count: number) => (failingConnects = count),
  };
}

describe(KafkajsConsumer.name, () => {
  const start = async (sut: KafkajsConsumer) => {
    await sut.connect();
    await sut.subscribe(['a', 'a.otp']);
    await sut.run(() => Promise.resolve(), { partitionsConsumedConcurrently: 2 });
  };

  it('starts over by itself after a crash kafkajs does not restart from', async () => {
    const fake = fakeConsumer();
    const sut = new KafkajsConsumer(fake.consumer, 5);
    await start(sut);
    const restarted = fake.nextRun();

    fake.crash(false);
    expect(sut.health().ok).toBe(false);

    expect(await restarted).toBe(2);
    expect(fake.calls).toEqual([
      'connect',
      'subscribe a,a.otp',
      'run',
      'disconnect',
      'connect',
      'subscribe a,a.otp',
      'run',
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.health().ok).toBe(true);
  });

  it('tries a failed restart again until the consumer runs', async () => {
    const fake = fakeConsumer();
    const sut = new KafkajsConsumer(fake.consumer, 5);
    await start(sut);
    const restarted = fake.nextRun();
    fake.failNextConnects(2);

    fake.crash(false);

    expect(await restarted).toBe(2);
    expect(fake.calls.filter((call) => call === 'connect')).toHaveLength(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sut.health().ok).toBe(true);
    await sut.disconnect();
  });

  it('leaves crashes kafkajs restarts from, and crashes while stopping, alone', async () => {
    const fake = fakeConsumer();
    const sut = new KafkajsConsumer(fake.consumer, 5);
    await start(sut);
    fake.crash(true);
    expect(sut.health().ok).toBe(true);
    await sut.disconnect();
    fake.crash(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.calls.filter((call) => call === 'run')).toHaveLength(1);
  });
});
