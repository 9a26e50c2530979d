import { Prisma, type PrismaClient } from '@tuxhat/database';

import { MessageWriter, type NewMessage } from './message-writer';

/** Records what the writer sends; `failRow` makes any insert that contains that message id fail. */
function fakePrisma(options: { failRow?: string; outage?: boolean } = {}) {
  const transactions: string[][] = [];
  let current: string[] = [];
  let started: () => void = () => undefined;
  /** Resolves when the next transaction has begun. */
  const nextTransaction = () => new Promise<void>((resolve) => (started = resolve));
  const prisma = {
    message: {
      createMany: ({ data }: { data: { id: string }[] }) => {
        current = data.map((row) => row.id);
        return { kind: 'messages' };
      },
    },
    messageStatusEvent: { createMany: () => ({ kind: 'history' }) },
    $transaction: async (steps: unknown[]) => {
      expect(steps).toHaveLength(2);
      started();
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (options.outage) throw new Error('connection refused');
      if (options.failRow && current.includes(options.failRow)) {
        throw new Prisma.PrismaClientKnownRequestError('foreign key', {
          code: 'P2003',
          clientVersion: 'test',
        });
      }
      transactions.push(current);
    },
  };
  return { prisma: prisma as unknown as PrismaClient, transactions, nextTransaction };
}

const entry = (id: string): NewMessage => ({
  message: {
    id,
    tenantId: 'acme',
    destination: '+38267123456',
    source: 'TuxHat',
    body: 'hi',
    encoding: 'gsm7',
    parts: 1,
    status: 'accepted',
  },
  accepted: {
    eventId: `event-${id}`,
    messageId: id,
    status: 'accepted',
    source: 'ingress',
    occurredAt: new Date(),
  },
});

describe(MessageWriter.name, () => {
  it('writes concurrent messages in one transaction, and later ones in the next', async () => {
    const { prisma, transactions, nextTransaction } = fakePrisma();
    const sut = new MessageWriter(prisma);
    const inFlight = nextTransaction();
    const first = Array.from({ length: 5 }, (_, index) => sut.write(entry(`a${index}`)));
    await inFlight;
    const second = Array.from({ length: 3 }, (_, index) => sut.write(entry(`b${index}`)));
    await Promise.all([...first, ...second]);
    expect(transactions).toEqual([
      ['a0', 'a1', 'a2', 'a3', 'a4'],
      ['b0', 'b1', 'b2'],
    ]);
  });

  it('writes a lone message at once', async () => {
    const { prisma, transactions } = fakePrisma();
    const sut = new MessageWriter(prisma);
    await sut.write(entry('solo'));
    expect(transactions).toEqual([['solo']]);
  });

  it('fails only the bad row of a batch', async () => {
    const { prisma, transactions } = fakePrisma({ failRow: 'bad' });
    const sut = new MessageWriter(prisma);
    const results = await Promise.allSettled(
      ['ok1', 'bad', 'ok2'].map((id) => sut.write(entry(id))),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(transactions).toEqual([['ok1'], ['ok2']]);
  });

  it('fails the whole batch at once when the database is down', async () => {
    const { prisma } = fakePrisma({ outage: true });
    const sut = new MessageWriter(prisma);
    const results = await Promise.allSettled(['x', 'y'].map((id) => sut.write(entry(id))));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await sut.flush();
  });
});
