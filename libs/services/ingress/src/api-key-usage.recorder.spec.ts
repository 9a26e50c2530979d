import type { PrismaClient } from '@tuxhat/database';

import { ApiKeyUsageRecorder } from './api-key-usage.recorder';
import type { ResolvedIngressOptions } from './ingress.options';

describe(ApiKeyUsageRecorder.name, () => {
  const options = { keyUsageFlushMs: 60_000 } as ResolvedIngressOptions;

  it('writes every key used since the last flush in one statement, the latest time each', async () => {
    const statements: unknown[][] = [];
    const prisma = {
      $executeRaw: async (sql: { values: unknown[] }) => {
        statements.push(sql.values);
        return 1;
      },
    } as unknown as PrismaClient;
    const sut = new ApiKeyUsageRecorder(prisma, options);
    for (let index = 0; index < 1_000; index++) {
      sut.used(index % 2 === 0 ? 'k1' : 'k2', new Date(Date.UTC(2026, 10, 26, 12, 0, 0, index)));
    }
    await sut.flush();
    expect(statements).toEqual([
      [
        ['k1', 'k2'],
        ['2026-11-26T12:00:00.998Z', '2026-11-26T12:00:00.999Z'],
      ],
    ]);
    await sut.flush();
    expect(statements).toHaveLength(1);
  });

  it('keeps the times for the next round when the write fails', async () => {
    let fail = true;
    const written: unknown[][] = [];
    const prisma = {
      $executeRaw: async (sql: { values: unknown[] }) => {
        if (fail) throw new Error('database down');
        written.push(sql.values);
        return 1;
      },
    } as unknown as PrismaClient;
    const sut = new ApiKeyUsageRecorder(prisma, options);
    sut.used('k1', new Date(Date.UTC(2026, 10, 26)));
    await sut.flush();
    fail = false;
    await sut.flush();
    expect(written).toEqual([[['k1'], ['2026-11-26T00:00:00.000Z']]]);
  });
});
