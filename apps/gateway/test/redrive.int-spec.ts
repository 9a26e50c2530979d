import { SMS_SUBMITTED } from '@tuxhat/contracts';
import { InProcessBroker } from '@tuxhat/messaging';
import { type TestDatabase, TopicRecorder, createTestDatabase } from '@tuxhat/testing';

import { countUnfinishedMessages, redriveUnfinishedMessages } from '../src/redrive';
import { publisherOn, steppedPause, storedMessage } from './support/loop-support';

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
        ...ids.map((id) =>
          storedMessage(id, id === 'msg-02' ? 'routed' : 'accepted', { createdAt: before }),
        ),
        storedMessage('msg-done', 'sent', { createdAt: before }),
        // Parked by ingress: the feeder's to publish (parked-feeder.ts), not the re-drive's.
        storedMessage('msg-parked', 'accepted', { createdAt: before, parkedAt: before }),
        // Accepted since this process started: on the bus already, not re-driven.
        storedMessage('msg-live', 'accepted', { createdAt: new Date(bootedAt.getTime() + 1_000) }),
      ],
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

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
    const { pause, pausedFor, step } = steppedPause();
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
