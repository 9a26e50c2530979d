import { Prisma } from '@tuxhat/database';

import { MessageWriter, isRowError } from './message-writer';
import { newMessage } from './new-message.fixture';
import {
  type NewMessage,
  type StoredClaim,
  type SubmissionRepository,
  type WriteRequest,
  claimId,
} from './submission.repository';

/** Records what the writer sends; `failRow` makes any statement that contains that message id fail. */
function fakeStore(
  options: {
    failRow?: string;
    outage?: boolean;
    held?: Map<string, StoredClaim>;
    connections?: number;
  } = {},
) {
  /** The ids of each statement committed, and of each begun (in the order they began). */
  const statements: string[][] = [];
  const started: string[][] = [];
  let onStart: () => void = () => undefined;
  const nextStatement = () => new Promise<void>((resolve) => (onStart = resolve));
  const store = {
    insert: async (requests: readonly WriteRequest[]) => {
      const ids = requests.flatMap((request) => request.messages.map((message) => message.id));
      started.push(ids);
      onStart();
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (options.outage) throw new Error('connection refused');
      if (options.failRow && ids.includes(options.failRow)) {
        throw new Prisma.PrismaClientKnownRequestError('raw query failed', {
          code: 'P2010',
          clientVersion: 'test',
          meta: { driverAdapterError: { cause: { originalCode: '23503' } } },
        });
      }
      statements.push(ids);
      return new Set(
        requests
          .filter(
            (request) =>
              request.claim &&
              !options.held?.has(claimId(request.claim.tenantId, request.claim.key)),
          )
          .map((request) => claimId(request.claim!.tenantId, request.claim!.key)),
      );
    },
    findClaims: async () => options.held ?? new Map(),
    connections: options.connections ?? 10,
  };
  return { store: store as unknown as SubmissionRepository, statements, started, nextStatement };
}

const message = (id: string): NewMessage => newMessage({ id });
const single = (id: string): WriteRequest => ({ messages: [message(id)] });
const clock = { now: () => new Date('2026-11-26T12:00:00.000Z') };

describe(MessageWriter.name, () => {
  it('writes concurrent requests in one statement, and later ones in the next', async () => {
    const { store, statements, nextStatement } = fakeStore();
    const sut = new MessageWriter(store, clock);
    const inFlight = nextStatement();
    const first = Array.from({ length: 5 }, (_, index) => sut.write(single(`a${index}`)));
    await inFlight;
    const second = Array.from({ length: 3 }, (_, index) => sut.write(single(`b${index}`)));
    await Promise.all([...first, ...second]);
    expect(statements).toEqual([
      ['a0', 'a1', 'a2', 'a3', 'a4'],
      ['b0', 'b1', 'b2'],
    ]);
  });

  it('starts a second statement at once while one is in flight, and no third', async () => {
    const { store, statements, started, nextStatement } = fakeStore();
    const sut = new MessageWriter(store, clock);
    let inFlight = nextStatement();
    const first = sut.write(single('a'));
    await inFlight;
    inFlight = nextStatement();
    const second = sut.write(single('b'));
    await inFlight;
    expect(statements).toEqual([]); // b began before a was done
    // Both in flight: these wait, and go together once one of the two is done.
    inFlight = nextStatement();
    const later = ['c', 'd', 'e'].map((id) => sut.write(single(id)));
    await inFlight;
    expect(statements).toEqual([['a']]);
    await Promise.all([first, second, ...later]);
    expect(started).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    expect(statements).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
  });

  it('keeps to one statement at a time on a database that runs one at a time', async () => {
    const { store, statements, nextStatement } = fakeStore({ connections: 1 });
    const sut = new MessageWriter(store, clock);
    let inFlight = nextStatement();
    const first = sut.write(single('a'));
    await inFlight;
    inFlight = nextStatement();
    const later = ['b', 'c'].map((id) => sut.write(single(id)));
    await inFlight;
    expect(statements).toEqual([['a']]);
    await Promise.all([first, ...later]);
    expect(statements).toEqual([['a'], ['b', 'c']]);
  });

  it('flushes every statement in flight', async () => {
    const { store, statements, nextStatement } = fakeStore();
    const sut = new MessageWriter(store, clock);
    const inFlight = nextStatement();
    void sut.write(single('a'));
    await inFlight;
    void sut.write(single('b'));
    await sut.flush();
    expect(statements).toEqual([['a'], ['b']]);
  });

  it('writes a lone request at once', async () => {
    const { store, statements } = fakeStore();
    await expect(new MessageWriter(store, clock).write(single('solo'))).resolves.toEqual({
      kind: 'written',
    });
    expect(statements).toEqual([['solo']]);
  });

  it('caps a statement by rows, never splitting a request', async () => {
    const { store, statements } = fakeStore();
    const sut = new MessageWriter(store, clock);
    const big = (prefix: string) => ({
      messages: Array.from({ length: 3_000 }, (_, index) => message(`${prefix}${index}`)),
    });
    await Promise.all([sut.write(big('x')), sut.write(big('y'))]);
    expect(statements.map((ids) => ids.length)).toEqual([3_000, 3_000]);
  });

  it('fails only the request whose row was refused', async () => {
    const { store, statements } = fakeStore({ failRow: 'bad' });
    const sut = new MessageWriter(store, clock);
    const results = await Promise.allSettled(
      ['ok1', 'bad', 'ok2'].map((id) => sut.write(single(id))),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([['ok1'], ['ok2']]);
  });

  it('fails the whole batch at once when the database is down', async () => {
    const { store } = fakeStore({ outage: true });
    const sut = new MessageWriter(store, clock);
    const results = await Promise.allSettled(['x', 'y'].map((id) => sut.write(single(id))));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await sut.flush();
  });

  it('answers a request whose key is already held with the holder’s stored answer', async () => {
    const held = new Map([
      [claimId('acme', 'k'), { requestHash: 'h0', response: { status: 202, body: { id: 'm0' } } }],
    ]);
    const { store } = fakeStore({ held });
    const sut = new MessageWriter(store, clock);
    const claim = {
      tenantId: 'acme',
      key: 'k',
      requestHash: 'h1',
      response: { status: 202, body: {} },
    };
    await expect(sut.write({ messages: [message('m1')], claim })).resolves.toEqual({
      kind: 'claimed',
      requestHash: 'h0',
      response: { status: 202, body: { id: 'm0' } },
    });
  });
});

describe(isRowError.name, () => {
  const known = (code: string, meta?: Record<string, unknown>) =>
    new Prisma.PrismaClientKnownRequestError('x', { code, clientVersion: 'test', meta });

  it('tells a refused row from an outage', () => {
    expect(isRowError(known('P2003'))).toBe(true);
    expect(
      isRowError(known('P2010', { driverAdapterError: { cause: { originalCode: '23505' } } })),
    ).toBe(true);
    expect(isRowError(known('P2010', { code: '22P02' }))).toBe(true);
    expect(
      isRowError(known('P2010', { driverAdapterError: { cause: { originalCode: '57P01' } } })),
    ).toBe(false);
    expect(isRowError(known('P1001'))).toBe(false);
    expect(isRowError(new Error('connection refused'))).toBe(false);
  });

  it('reads the SQLSTATE of an error straight from the driver', () => {
    const driver = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });
    expect(isRowError(driver('23503'))).toBe(true);
    expect(isRowError(driver('22P02'))).toBe(true);
    expect(isRowError(driver('57P01'))).toBe(false);
    // A Node system error has a code but is no database error.
    expect(isRowError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
  });
});
