import { SMS_SUBMITTED } from '@tuxhat/contracts';
import type { MessageStatus } from '@tuxhat/database';
import { Bus, EventPublisher, InProcessBroker } from '@tuxhat/messaging';
import { type TestDatabase, TopicRecorder, createTestDatabase } from '@tuxhat/testing';

import { countUnfinishedMessages, redriveUnfinishedMessages } from '../src/redrive';

/**
 * The boot re-drive of all-in-one mode on PostgreSQL: unfinished messages go back through the
 * pipeline a window at a time, so a large backlog never sits in memory at once.
 */
describe('re-driving unfinished messages at boot', () => {
  let db: TestDatabase;
  const bootedAt = new Date();
  const ids = Array.from({ length: 25 }, (_, index) => `msg-${String(index + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    db = await createTestDatabase('redrive');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    const before = new Date(bootedAt.getTime() - 60_000);
    await db.database.prisma.message.createMany({
      data: [
        ...ids.map((id) => message(id, id === 'msg-02' ? 'routed' : 'accepted', before)),
        message('msg-done', 'sent', before),
        // Parked by ingress: the feeder's to publish (parked-feeder.ts), not the re-drive's.
        { ...message('msg-parked', 'accepted', before), parkedAt: before },
        // Accepted since this process started: on the bus already, not re-driven.
        message('msg-live', 'accepted', new Date(bootedAt.getTime() + 1_000)),
      ],
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  function message(id: string, status: MessageStatus, createdAt: Date) {
    return {
      id,
      tenantId: 'acme',
      destination: '+38267123456',
      source: 'ACME',
      body: `text of ${id}`,
      encoding: 'gsm7',
      parts: 1,
      status,
      createdAt,
    };
  }

  const quiet = { log() {}, warn() {}, error() {} };

  function publisherOn(broker: InProcessBroker): EventPublisher {
    return new EventPublisher(Bus.create({ kind: 'in-process', broker }, quiet).createClient());
  }

  async function markSent(messageIds: readonly string[]): Promise<void> {
    await db.database.prisma.message.updateMany({
      where: { id: { in: [...messageIds] } },
      data: { status: 'sent' },
    });
  }

  it('publishes a window at a time, as messages reach a carrier or the policy holds them', async () => {
    const prisma = db.database.prisma;
    expect(await countUnfinishedMessages(prisma, bootedAt)).toBe(25);
    const broker = new InProcessBroker();
    const submitted = new TopicRecorder(SMS_SUBMITTED, broker);
    const publisher = publisherOn(broker);
    // The re-drive looks at its window again each time the test steps it.
    const pauses: (() => void)[] = [];
    let paused = 0;
    const pausedWaiters: { count: number; resolve: () => void }[] = [];
    const pause = () =>
      new Promise<void>((resolve) => {
        pauses.push(resolve);
        paused++;
        for (const waiter of pausedWaiters.filter((item) => item.count <= paused)) waiter.resolve();
      });
    const pausedFor = (count: number) =>
      new Promise<void>((resolve) => {
        if (paused >= count) resolve();
        else pausedWaiters.push({ count, resolve });
      });
    const step = () => pauses.shift()!();
    let now = Date.now();

    const redrive = redriveUnfinishedMessages(prisma, publisher, bootedAt, {
      window: 10,
      pageSize: 5,
      maxWaitMs: 60_000,
      pause,
      now: () => now,
    });

    // Two pages fill the window; looking again while none has moved on publishes nothing.
    await pausedFor(1);
    expect(submitted.events.map((event) => event.message.messageId)).toEqual(ids.slice(0, 10));
    step();
    await pausedFor(2);
    expect(submitted.events).toHaveLength(10);

    // Four reach a carrier and the policy holds one for a later window: room for one page.
    await markSent(['msg-01', 'msg-03', 'msg-04', 'msg-05']);
    await prisma.deferredMessage.create({
      data: {
        messageId: 'msg-02',
        tenantId: 'acme',
        stage: 'window',
        releaseAt: new Date(Date.now() + 3_600_000),
        message: {},
      },
    });
    step();
    await pausedFor(3);
    expect(submitted.events.map((event) => event.message.messageId)).toEqual(ids.slice(0, 15));

    // Stuck for longer than maxWaitMs: they give their places up.
    now += 60_001;
    step();
    await pausedFor(4);
    expect(submitted.events.map((event) => event.message.messageId)).toEqual(ids);

    await markSent(ids);
    step();
    expect(await redrive).toBe(25);
    // Each once; the live message, the parked one and the one already sent not at all.
    expect(new Set(submitted.events.map((event) => event.message.messageId)).size).toBe(25);
  });

  it('stops when told to, leaving the rest to the next boot', async () => {
    const prisma = db.database.prisma;
    await prisma.message.updateMany({
      where: { id: { in: ids } },
      data: { status: 'accepted' },
    });
    const broker = new InProcessBroker();
    const submitted = new TopicRecorder(SMS_SUBMITTED, broker);
    const stop = new AbortController();
    // Shutdown comes while the window is full.
    const pause = async () => stop.abort();

    const redrive = redriveUnfinishedMessages(prisma, publisherOn(broker), bootedAt, {
      window: 10,
      pageSize: 5,
      pause,
      signal: stop.signal,
    });

    expect(await redrive).toBe(10);
    expect(submitted.events).toHaveLength(10);
  });
});
