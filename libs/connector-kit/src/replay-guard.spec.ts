import { type SmsOutboundEvent, newEnvelope } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { testMessage } from '@tuxhat/testing';

import { RecentOutcomes } from './recent-outcomes';
import { ReplayGuard } from './replay-guard';

const event = (messageId: string, carrierId = 'telco-a', attempt = 1): SmsOutboundEvent => ({
  ...newEnvelope(),
  message: testMessage({ messageId }),
  carrierId,
  routeId: 'default',
  attempt,
});

describe(ReplayGuard.name, () => {
  let queries: { id: { in: string[] } }[];
  /** Messages the database knows: their status and the carriers holding ids for them. */
  let inDatabase: Record<string, { status: string; carriers: string[] }>;
  let recent: RecentOutcomes;
  let sut: ReplayGuard;

  beforeEach(() => {
    queries = [];
    inDatabase = {};
    recent = new RecentOutcomes(10);
    const prisma = {
      message: {
        findMany: async ({ where }: { where: { id: { in: string[] } } }) => {
          queries.push(where);
          return where.id.in.flatMap((id) => {
            const known = inDatabase[id];
            if (!known) return [];
            const carrierMessageIds = known.carriers.map((carrierId) => ({ carrierId }));
            return [{ id, status: known.status, carrierMessageIds }];
          });
        },
      },
    } as unknown as PrismaClient;
    sut = new ReplayGuard(prisma, recent);
  });

  it('asks the database once for the whole batch and skips what it knows', async () => {
    inDatabase = { m2: { status: 'sent', carriers: ['telco-a'] } };
    const skip = await sut.replaysIn([event('m1'), event('m2'), event('m3')]);
    expect([...skip]).toEqual([1]);
    expect(queries).toEqual([expect.objectContaining({ id: { in: ['m1', 'm2', 'm3'] } })]);
  });

  it('skips what this pod sent moments ago without asking', async () => {
    recent.remember('m1', { outcome: 'sent', carrierId: 'telco-a', attempt: 1 });
    const skip = await sut.replaysIn([event('m1', 'telco-a', 1), event('m1', 'telco-b', 1)]);
    expect([...skip]).toEqual([0, 1]);
    expect(queries).toHaveLength(0);
  });

  it("lets a later attempt (a DLR trigger's resend) go to another carrier, never back", async () => {
    recent.remember('m1', { outcome: 'sent', carrierId: 'telco-a', attempt: 1 });
    inDatabase = { m1: { status: 'undeliverable', carriers: ['telco-a'] } };
    const skip = await sut.replaysIn([event('m1', 'telco-b', 2), event('m1', 'telco-a', 2)]);
    expect([...skip]).toEqual([1]);
  });

  it('never sends a message whose story is over, whichever carrier asks', async () => {
    inDatabase = {
      m1: { status: 'delivered', carriers: ['telco-a'] },
      m2: { status: 'rejected', carriers: [] },
    };
    const skip = await sut.replaysIn([event('m1', 'telco-b', 2), event('m2', 'telco-b', 1)]);
    expect([...skip]).toEqual([0, 1]);
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
});

describe(RecentOutcomes.name, () => {
  it('forgets the least recently written message past its capacity', () => {
    const sut = new RecentOutcomes(2);
    sut.remember('m1', { outcome: 'sent', carrierId: 'c', attempt: 1 });
    sut.remember('m2', { outcome: 'sent', carrierId: 'c', attempt: 1 });
    sut.remember('m3', { outcome: 'sent', carrierId: 'c', attempt: 1 });
    expect(sut.outcomesOf('m1')).toEqual([]);
    expect(sut.outcomesOf('m3')).toHaveLength(1);
  });

  it("keeps one outcome per carrier, the carrier's latest", () => {
    const sut = new RecentOutcomes(10);
    sut.remember('m1', { outcome: 'rerouted', carrierId: 'a', attempt: 1, mayHaveReached: true });
    sut.remember('m1', { outcome: 'failed', carrierId: 'b', attempt: 2 });
    sut.remember('m1', { outcome: 'sent', carrierId: 'b', attempt: 3 });
    expect(sut.outcomesOf('m1').map((outcome) => [outcome.carrierId, outcome.outcome])).toEqual([
      ['a', 'rerouted'],
      ['b', 'sent'],
    ]);
  });

  it('keeps accepted parts per carrier until the message is settled', () => {
    const sut = new RecentOutcomes(10);
    sut.rememberAcceptedPart('m1', 'c', 0, 'id-0');
    sut.rememberAcceptedPart('m1', 'c', 2, 'id-2');
    expect([...sut.acceptedParts('m1', 'c')]).toEqual([
      [0, 'id-0'],
      [2, 'id-2'],
    ]);
    expect(sut.acceptedParts('m1', 'other').size).toBe(0);
    sut.remember('m1', { outcome: 'sent', carrierId: 'c', attempt: 1 });
    expect(sut.acceptedParts('m1', 'c').size).toBe(0);
  });
});
