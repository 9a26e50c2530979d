import type { PrismaClient } from '@tuxhat/database';

import { ConfigSnapshot } from './config-snapshot';

/** A database stand-in: just the revision row ConfigSnapshot reads, changed by the test. */
function fakeDatabase() {
  const state = { revision: 0n };
  const prisma = {
    configRevision: {
      findUnique: () => Promise.resolve({ id: 1, revision: state.revision }),
    },
  } as unknown as PrismaClient;
  return { prisma, state };
}

describe(ConfigSnapshot.name, () => {
  it('reloads only when the revision moved', async () => {
    const { prisma, state } = fakeDatabase();
    let loads = 0;
    const snapshot = new ConfigSnapshot(prisma, {
      name: 'test',
      load: () => Promise.resolve(++loads),
    });
    await snapshot.refresh(true);
    await snapshot.refresh();
    expect(snapshot.current).toBe(1);
    state.revision = 1n;
    await snapshot.refresh();
    expect(snapshot.current).toBe(2);
  });

  it('never hands a caller the result of a reload that started before its change', async () => {
    const { prisma, state } = fakeDatabase();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started: () => void = () => undefined;
    const firstLoadStarted = new Promise<void>((resolve) => (started = resolve));
    let loads = 0;
    const snapshot = new ConfigSnapshot(prisma, {
      name: 'test',
      load: async () => {
        loads++;
        if (loads === 1) {
          // The in-flight reload: it has read the old revision and holds the old data.
          started();
          await gate;
        }
        return loads;
      },
    });
    const inFlight = snapshot.refresh(true);
    await firstLoadStarted;
    // A change lands while that reload runs; the writer then asks for a refresh.
    state.revision = 7n;
    const mine = snapshot.refresh();
    release();
    await Promise.all([inFlight, mine]);
    expect(snapshot.current).toBe(2);
  });

  it('throws before the first load rather than answering with nothing', () => {
    const { prisma } = fakeDatabase();
    const snapshot = new ConfigSnapshot(prisma, {
      name: 'tenants',
      load: () => Promise.resolve(1),
    });
    expect(() => snapshot.current).toThrow('tenants not loaded yet');
  });
});
