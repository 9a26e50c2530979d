import { IngressHarness, type Json } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Campaign text' };

/**
 * Hard-storage queueing: while the bus behind ingress holds its limit in memory (all-in-one
 * mode), a message is committed parked and not published; the gateway's feeder publishes it
 * later (apps/gateway). An OTP never waits.
 */
describe('ingress with the bus backlog full', () => {
  let sut: IngressHarness;
  let full = false;
  /** At each signal to the feeder, the parked messages the database had at that moment. */
  let signalled: Promise<string[]>[] = [];

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_parking', {
      backlog: {
        isFull: () => full,
        parked: () => {
          signalled.push(
            sut.prisma.message
              .findMany({ where: { parkedAt: { not: null } }, select: { id: true } })
              .then((rows) => rows.map((row) => row.id)),
          );
        },
      },
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  afterEach(() => {
    full = false;
    signalled = [];
  });

  async function stored(ids: readonly string[]) {
    return sut.prisma.message.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, status: true, parkedAt: true },
    });
  }

  it('stores a message parked and publishes nothing, answering 202 as for any other', async () => {
    full = true;
    const answer = await sut.submit({ ...VALID, priority: 'bulk' });

    expect(answer.status).toBe(202);
    const id = String(answer.body.id);
    const [row] = await stored([id]);
    expect(row).toMatchObject({ id, status: 'accepted' });
    expect(row.parkedAt).toBeInstanceOf(Date);
    expect(sut.submittedIds()).not.toContain(id);
    const history = await sut.prisma.messageStatusEvent.findMany({ where: { messageId: id } });
    expect(history.map((event) => event.detail)).toEqual([
      'received via REST; stored until the gateway has room',
    ]);
    // The feeder is told once the row is committed (it looks in the database when told).
    expect(signalled).toHaveLength(1);
    expect(await signalled[0]).toContain(id);
  });

  it('parks a whole batch, except its OTP', async () => {
    full = true;
    const answer = await sut.submitBatch([
      { ...VALID, priority: 'bulk' },
      { ...VALID, priority: 'transactional' },
      { ...VALID, text: 'Your code is 123456', priority: 'otp' },
    ]);

    expect(answer.status).toBe(202);
    const ids = (answer.body.results as Json[]).map((result) => String(result.id));
    const rows = new Map((await stored(ids)).map((row) => [row.id, row]));
    expect(rows.get(ids[0])?.parkedAt).toBeInstanceOf(Date);
    expect(rows.get(ids[1])?.parkedAt).toBeInstanceOf(Date);
    expect(rows.get(ids[2])?.parkedAt).toBeNull();
    await sut.submittedLanes[0].waitFor(1, (event) => event.message.messageId === ids[2]);
    expect(sut.submittedIds().filter((id) => ids.includes(id))).toEqual([ids[2]]);
    expect(signalled).toHaveLength(1);
    expect(await signalled[0]).toEqual(expect.arrayContaining([ids[0], ids[1]]));
  });

  it('publishes at once and parks nothing while the backlog has room', async () => {
    const answer = await sut.submit({ ...VALID, priority: 'bulk' });

    const id = String(answer.body.id);
    const [row] = await stored([id]);
    expect(row.parkedAt).toBeNull();
    expect(sut.submittedIds()).toContain(id);
    expect(signalled).toHaveLength(0);
  });
});
