import { InProcessBroker } from '@tuxhat/messaging';
import { type TestDatabase, createTestDatabase } from '@tuxhat/testing';

import { feedParkedMessages } from '../src/parked-feeder';
import { publisherOn, steppedPause, storedMessage, submittedIn } from './support/loop-support';

/**
 * Hard-storage queueing in all-in-one mode on PostgreSQL: the messages ingress parked while the
 * bus's backlog was full are published oldest first, as much as fits under the limit, once the
 * backlog is under half of it; each once.
 */
describe('feeding parked messages into the bus', () => {
  let db: TestDatabase;
  const ids = Array.from({ length: 12 }, (_, index) => `msg-${String(index + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    db = await createTestDatabase('parked_feeder');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    const start = Date.now() - 60_000;
    await db.database.prisma.message.createMany({
      data: [
        // Parked in reverse id order: the oldest parking goes first, not the lowest id.
        ...ids.map((id, index) =>
          storedMessage(id, 'accepted', {
            priority: 'bulk',
            parkedAt: new Date(start + (ids.length - index) * 1_000),
          }),
        ),
        storedMessage('msg-not-parked', 'accepted', { priority: 'bulk' }),
      ],
    });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('publishes what fits under the limit once the backlog is under half of it, oldest first', async () => {
    const broker = new InProcessBroker();
    const bulk = submittedIn(broker, 'bulk');
    const publisher = publisherOn(broker);
    // The bus's backlog as the feeder sees it: what it published and no consumer took yet, and
    // other traffic's.
    let other = 7; // over half of the limit of 10: no room
    let consumed = 0;
    const { pause, pausedFor, step } = steppedPause();
    const stop = new AbortController();
    const fed: number[] = [];

    const feeding = feedParkedMessages(db.database.prisma, publisher, {
      queued: () => other + bulk.events.length - consumed,
      limit: 10,
      pageSize: 4,
      pause,
      signal: stop.signal,
      onFed: (count) => fed.push(count),
    });

    await pausedFor(1);
    expect(bulk.events).toHaveLength(0);

    // Empty: a page of 4, and at 4 queued (under half) another; at 8 the feeder waits.
    other = 0;
    step();
    await pausedFor(2);
    const newestFirst = [...ids].reverse();
    expect(bulk.events.map((event) => event.message.messageId)).toEqual(newestFirst.slice(0, 8));
    expect(fed).toEqual([4, 4]);

    // Consumed: the last four, and the loop waits with nothing left.
    consumed = 8;
    step();
    await pausedFor(3);
    expect(bulk.events.map((event) => event.message.messageId)).toEqual(newestFirst);
    expect(await db.database.prisma.message.count({ where: { parkedAt: { not: null } } })).toBe(0);

    stop.abort();
    step();
    await feeding;
    // Each once, with everything a re-drive carries; the message never parked not at all.
    expect(new Set(bulk.events.map((event) => event.message.messageId)).size).toBe(12);
    expect(bulk.events[0].message).toMatchObject({
      tenantId: 'acme',
      destination: '+38267123456',
      text: 'text of msg-12',
      priority: 'bulk',
    });
  });
});

/**
 * Once the parking is empty, the feeder asks the database again only when ingress says it parked
 * more, or after a while (for what another gateway on the same database parked before stopping).
 */
describe('feeding parked messages: when the feeder asks the database', () => {
  let db: TestDatabase;
  let parkedSoFar = 0;

  beforeAll(async () => {
    db = await createTestDatabase('parked_feeder_signal');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Parks messages the way ingress commits them, behind the feeder's back. */
  async function park(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => `parked-${++parkedSoFar}`);
    await db.database.prisma.message.createMany({
      data: ids.map((id) => storedMessage(id, 'accepted', { parkedAt: new Date() })),
    });
    return ids;
  }

  it('looks at boot, then when ingress parked more or the recheck interval passed', async () => {
    const broker = new InProcessBroker();
    const published = submittedIn(broker, 'transactional');
    const fedIds = () => published.events.map((event) => event.message.messageId);
    const { pause, pausedFor, step } = steppedPause();
    let parkings = 0;
    let clock = 0;
    const stop = new AbortController();
    const leftFromLastRun = await park(2);

    const feeding = feedParkedMessages(db.database.prisma, publisherOn(broker), {
      queued: () => 0,
      limit: 10,
      parkings: () => parkings,
      recheckEveryMs: 5_000,
      now: () => clock,
      pause,
      signal: stop.signal,
    });

    await pausedFor(1);
    expect(fedIds()).toEqual(leftFromLastRun);

    // Parked without a word to this gateway: not seen yet.
    const unannounced = await park(1);
    step();
    await pausedFor(2);
    expect(fedIds()).toEqual(leftFromLastRun);

    // Ingress says it parked: the feeder looks, and finds both.
    const announced = await park(1);
    parkings++;
    step();
    await pausedFor(3);
    expect(fedIds()).toEqual([...leftFromLastRun, ...unannounced, ...announced]);

    // Unannounced again: found once the recheck interval has passed, not before.
    const later = await park(1);
    clock = 4_999;
    step();
    await pausedFor(4);
    expect(fedIds()).toHaveLength(4);
    clock = 5_000;
    step();
    await pausedFor(5);
    expect(fedIds()).toEqual([...leftFromLastRun, ...unannounced, ...announced, ...later]);

    stop.abort();
    step();
    await feeding;
    expect(await db.database.prisma.message.count({ where: { parkedAt: { not: null } } })).toBe(0);
  });
});
