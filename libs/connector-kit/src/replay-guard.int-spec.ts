import { randomUUID } from 'node:crypto';

import { DEAD_LETTERED, type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';
import type { MessageStatus } from '@tuxhat/database';
import { sqlOf } from '@tuxhat/database';
import { type TestDatabase, createTestDatabase, testMessage } from '@tuxhat/testing';

import { RecentOutcomes } from './recent-outcomes';
import { ReplayGuard } from './replay-guard';

const event = (
  messageId: string,
  carrierId = 'telco-a',
  attempt = 1,
  acceptedAt = new Date(),
): SmsOutboundEvent => ({
  ...newEnvelope(),
  message: testMessage({ messageId, acceptedAt: acceptedAt.toISOString() }),
  carrierId,
  routeId: 'default',
  attempt,
});

describe(ReplayGuard.name, () => {
  let db: TestDatabase;
  let recent: RecentOutcomes;
  let sut: ReplayGuard;

  beforeAll(async () => {
    db = await createTestDatabase('replay_guard');
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
  });
  afterAll(() => db.drop());

  beforeEach(() => {
    recent = new RecentOutcomes(10);
    sut = new ReplayGuard(db.database.prisma, recent);
  });

  /** A message in the database, with the parts the given carriers accepted (as the dlr stores them). */
  async function stored(status: MessageStatus, carriers: string[] = []): Promise<string> {
    const id = `msg-${randomUUID()}`;
    await db.database.prisma.message.create({
      data: {
        id,
        tenantId: 'acme',
        destination: '+38267123456',
        source: 'ACME',
        body: 'hi',
        encoding: 'gsm7',
        parts: 2,
        status,
      },
    });
    // Two parts, and the numeric spelling of an id next to its text: one carrier all the same.
    const parts = [
      [0, 't:10'],
      [0, 'n:16'],
      [1, 't:11'],
    ] as const;
    await db.database.prisma.dlrCarrierKey.createMany({
      data: carriers.flatMap((carrierId) =>
        parts.map(([partIndex, lookupKey]) => ({
          carrierId,
          lookupKey,
          messageId: id,
          tenantId: 'acme',
          partIndex,
          partCount: 2,
          carrierMessageId: lookupKey.slice(2),
          routeId: 'default',
        })),
      ),
    });
    return id;
  }

  it('skips a message a carrier took (its parts are stored), for that carrier only', async () => {
    const taken = await stored('sent', ['telco-a']);
    const fresh = await stored('routed');
    const skip = await sut.replaysIn([
      event(fresh),
      event(taken, 'telco-a'),
      event(taken, 'telco-b', 2),
      event('never-stored'),
    ]);
    expect([...skip]).toEqual([1]);
  });

  it('never sends a message whose story is over, whichever carrier asks', async () => {
    const delivered = await stored('delivered', ['telco-a']);
    const rejected = await stored('rejected');
    const expired = await stored('expired');
    const unknown = await stored('unknown');
    const undeliverable = await stored('undeliverable', ['telco-a']);
    const skip = await sut.replaysIn([
      event(delivered, 'telco-b', 2),
      event(rejected, 'telco-b'),
      event(expired, 'telco-b', 2),
      event(unknown, 'telco-b', 2),
      // A DLR trigger may resend an undeliverable message through the next carrier.
      event(undeliverable, 'telco-b', 2),
    ]);
    expect([...skip]).toEqual([0, 1, 2, 3]);
  });

  it('never sends a message the dead-letter settler failed, but lets another failure fail over', async () => {
    const settled = await stored('failed');
    const refused = await stored('failed');
    // As the status projector leaves them: the failure's code on the message.
    const failedWith = (messageId: string, statusErrorCode: string) =>
      db.database.prisma.message.update({ where: { id: messageId }, data: { statusErrorCode } });
    await failedWith(settled, DEAD_LETTERED);
    // A carrier's refusal: routing may still move the message on (a higher attempt).
    await failedWith(refused, '0x0000000B');
    const skip = await sut.replaysIn([
      event(settled, 'telco-a', 1),
      event(settled, 'telco-b', 3),
      event(refused, 'telco-b', 2),
    ]);
    expect([...skip]).toEqual([0, 1]);
  });

  it('skips what this pod sent moments ago, before the database knows', async () => {
    recent.remember('m1', { outcome: 'sent', carrierId: 'telco-a', attempt: 1 });
    const skip = await sut.replaysIn([event('m1', 'telco-a', 1), event('m1', 'telco-b', 1)]);
    expect([...skip]).toEqual([0, 1]);
  });

  it("lets a later attempt (a DLR trigger's resend) go to another carrier, never back", async () => {
    const id = await stored('undeliverable', ['telco-a']);
    recent.remember(id, { outcome: 'sent', carrierId: 'telco-a', attempt: 1 });
    const skip = await sut.replaysIn([event(id, 'telco-b', 2), event(id, 'telco-a', 2)]);
    expect([...skip]).toEqual([1]);
  });

  it('skips a replay of an attempt that failed here, but not a failover to another carrier', async () => {
    recent.remember('m1', { outcome: 'failed', carrierId: 'telco-a', attempt: 1 });
    const skip = await sut.replaysIn([event('m1', 'telco-a', 1), event('m1', 'telco-b', 2)]);
    expect([...skip]).toEqual([0]);
  });

  it('never sends again to a carrier that may have the message (rerouted after a timeout)', async () => {
    recent.remember('m1', {
      outcome: 'rerouted',
      carrierId: 'telco-a',
      attempt: 1,
      mayHaveReached: true,
    });
    recent.remember('m2', {
      outcome: 'rerouted',
      carrierId: 'telco-a',
      attempt: 1,
      mayHaveReached: false,
    });
    const skip = await sut.replaysIn([
      event('m1', 'telco-a', 3),
      event('m1', 'telco-b', 2),
      event('m2', 'telco-a', 1),
      event('m2', 'telco-a', 3),
    ]);
    expect([...skip].sort()).toEqual([0, 2]);
  });

  describe('in all-in-one mode (the in-process bus)', () => {
    const started = new Date('2026-11-27T06:00:00.000Z');
    const before = new Date(started.getTime() - 1);
    const after = new Date(started.getTime() + 1);

    beforeEach(() => {
      sut = new ReplayGuard(db.database.prisma, recent, { onlyHereSince: started });
    });
    afterEach(() => jest.restoreAllMocks());

    it('does not ask the database about a first attempt at a message accepted since the start', async () => {
      const query = jest.spyOn(sqlOf(db.database.prisma), 'query');
      recent.remember('tried-here', { outcome: 'sent', carrierId: 'telco-a', attempt: 1 });
      const skip = await sut.replaysIn([
        event('fresh', 'telco-a', 1, after),
        // A bus retry of an event this pod already sent: its memory knows.
        event('tried-here', 'telco-a', 1, after),
      ]);
      expect([...skip]).toEqual([1]);
      expect(query).not.toHaveBeenCalled();
    });

    it('asks the database about messages from before the start (re-driven) and later attempts', async () => {
      const query = jest.spyOn(sqlOf(db.database.prisma), 'query');
      const redriven = await stored('routed', ['telco-a']);
      const resent = await stored('undeliverable', ['telco-a']);
      const skip = await sut.replaysIn([
        event(redriven, 'telco-a', 1, before),
        event(resent, 'telco-a', 2, after),
        event('fresh', 'telco-a', 1, after),
      ]);
      expect([...skip]).toEqual([0, 1]);
      expect(query).toHaveBeenCalledTimes(1);
      expect(query.mock.calls[0]?.[1]?.[0]).toEqual([redriven, resent]);
    });
  });
});
