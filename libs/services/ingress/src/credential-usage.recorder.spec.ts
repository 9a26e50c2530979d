import type { PrismaClient } from '@tuxhat/database';

import { CredentialUsageRecorder } from './credential-usage.recorder';
import type { ResolvedIngressOptions } from './ingress.options';

describe(CredentialUsageRecorder.name, () => {
  const options = { keyUsageFlushMs: 60_000 } as ResolvedIngressOptions;

  /** A Prisma double that keeps each statement's table and parameters, failing while told to. */
  const recording = () => {
    const statements: { table: string; values: unknown[] }[] = [];
    const control = { failing: new Set<string>() };
    const prisma = {
      $executeRaw: async (sql: { strings: readonly string[]; values: unknown[] }) => {
        const table = /UPDATE (\w+)/.exec(sql.strings.join('?'))![1];
        if (control.failing.has(table)) throw new Error('database down');
        statements.push({ table, values: sql.values });
        return 1;
      },
    } as unknown as PrismaClient;
    return { statements, control, sut: new CredentialUsageRecorder(prisma, options) };
  };

  it('writes every key and every certificate used since the last flush, one statement per table, the latest time each', async () => {
    const { statements, sut } = recording();
    for (let index = 0; index < 1_000; index++) {
      sut.keyUsed(index % 2 === 0 ? 'k1' : 'k2', new Date(Date.UTC(2026, 10, 26, 12, 0, 0, index)));
    }
    sut.certificateUsed('f'.repeat(64), new Date(Date.UTC(2026, 10, 26, 13)));
    sut.certificateUsed('f'.repeat(64), new Date(Date.UTC(2026, 10, 26, 11)));
    await sut.flush();
    expect(statements).toEqual([
      {
        table: 'api_keys',
        values: [
          ['k1', 'k2'],
          ['2026-11-26T12:00:00.998Z', '2026-11-26T12:00:00.999Z'],
        ],
      },
      {
        table: 'client_certificates',
        values: [['f'.repeat(64)], ['2026-11-26T13:00:00.000Z']],
      },
    ]);
    await sut.flush();
    expect(statements).toHaveLength(2);
  });

  it('keeps the times of a table whose write failed for the next round, and writes the other', async () => {
    const { statements, control, sut } = recording();
    control.failing.add('client_certificates');
    sut.keyUsed('k1', new Date(Date.UTC(2026, 10, 26)));
    sut.certificateUsed('c'.repeat(64), new Date(Date.UTC(2026, 10, 26)));
    await sut.flush();
    expect(statements.map((statement) => statement.table)).toEqual(['api_keys']);

    control.failing.clear();
    await sut.flush();
    expect(statements.map((statement) => statement.table)).toEqual([
      'api_keys',
      'client_certificates',
    ]);
    expect(statements[1].values).toEqual([['c'.repeat(64)], ['2026-11-26T00:00:00.000Z']]);
  });
});
