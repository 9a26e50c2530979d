import { parseEnv } from '@tuxhat/config';

import {
  DAY_MS,
  RetentionSweep,
  type RetentionTable,
  messageRetentionEnvSchema,
  retentionMs,
} from './retention';

const now = new Date('2026-11-29T12:00:00.000Z');

/** A table of `rows` old rows that deletes up to `limit` per batch and records the cutoffs. */
function tableOf(name: string, rows: number) {
  const cutoffs: Date[] = [];
  let left = rows;
  const table: RetentionTable = {
    name,
    deleteBatch: async (before, limit) => {
      cutoffs.push(before);
      const deleted = Math.min(left, limit);
      left -= deleted;
      return deleted;
    },
  };
  return { table, cutoffs, left: () => left };
}

function sweepOf(tables: RetentionTable[], retention: number | null = 10 * DAY_MS) {
  const logged: string[] = [];
  const warned: string[] = [];
  const sweep = new RetentionSweep({
    retentionMs: retention,
    tables,
    clock: { now: () => now },
    logger: { log: (message) => logged.push(message), warn: (message) => warned.push(message) },
    intervalMs: 60_000,
    firstDelayMs: 1_000,
    rowsPerDelete: 100,
  });
  return { sweep, logged, warned };
}

describe(RetentionSweep.name, () => {
  afterEach(() => jest.useRealTimers());

  it('purges every table batch after batch, cutting at now minus the retention', async () => {
    const messages = tableOf('messages', 250);
    const receipts = tableOf('receipts', 100);
    const { sweep } = sweepOf([messages.table, receipts.table]);

    expect(await sweep.purge()).toEqual({ messages: 250, receipts: 100 });
    expect(messages.left()).toBe(0);
    // 100, 100, 50: the short batch ends it. A full last batch needs one more, empty, to know.
    expect(messages.cutoffs).toHaveLength(3);
    expect(receipts.cutoffs).toHaveLength(2);
    expect(messages.cutoffs[0]).toEqual(new Date(now.getTime() - 10 * DAY_MS));
  });

  it('deletes nothing when the retention is off, and never schedules a run', async () => {
    jest.useFakeTimers();
    const messages = tableOf('messages', 10);
    const { sweep } = sweepOf([messages.table], null);
    sweep.start();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(await sweep.purge()).toEqual({});
    expect(messages.cutoffs).toHaveLength(0);
    await sweep.stop();
  });

  it('drains a backlog one batch per table per tick, then waits the interval, logging once', async () => {
    jest.useFakeTimers();
    const messages = tableOf('messages', 250);
    const receipts = tableOf('receipts', 30);
    const { sweep, logged } = sweepOf([messages.table, receipts.table]);
    sweep.start();

    await jest.advanceTimersByTimeAsync(999);
    expect(messages.cutoffs).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(messages.left()).toBe(150);
    // A full batch came back: the next run follows at once (a timer tick), not an interval later.
    await jest.advanceTimersByTimeAsync(1);
    expect(messages.left()).toBe(50);
    await jest.advanceTimersByTimeAsync(1);
    expect(messages.left()).toBe(0);
    expect(logged).toEqual(['deleted past their retention: 250 messages, 30 receipts']);

    const runs = messages.cutoffs.length;
    await jest.advanceTimersByTimeAsync(59_999);
    expect(messages.cutoffs).toHaveLength(runs);
    await jest.advanceTimersByTimeAsync(1);
    expect(messages.cutoffs).toHaveLength(runs + 1);
    expect(logged).toHaveLength(1);
    await sweep.stop();
  });

  it('logs a failed batch and tries again after the interval', async () => {
    jest.useFakeTimers();
    let failures = 1;
    const deleted: number[] = [];
    const { sweep, warned } = sweepOf([
      {
        name: 'messages',
        deleteBatch: async () => {
          if (failures-- > 0) throw new Error('connection reset');
          deleted.push(5);
          return 5;
        },
      },
    ]);
    sweep.start();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(warned).toEqual(['deleting rows past their retention failed: Error: connection reset']);
    expect(deleted).toEqual([]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(deleted).toEqual([5]);
    await sweep.stop();
  });
});

describe('retention settings', () => {
  it('is off when unset and in days otherwise', () => {
    expect(retentionMs(parseEnv(messageRetentionEnvSchema, {}).MESSAGE_RETENTION_DAYS)).toBeNull();
    const days = parseEnv(messageRetentionEnvSchema, { MESSAGE_RETENTION_DAYS: '30' });
    expect(retentionMs(days.MESSAGE_RETENTION_DAYS)).toBe(30 * DAY_MS);
  });

  it.each(['7', '0', '2.5', 'forever', '36501'])(
    'refuses MESSAGE_RETENTION_DAYS=%s naming the variable',
    (value) => {
      expect(() => parseEnv(messageRetentionEnvSchema, { MESSAGE_RETENTION_DAYS: value })).toThrow(
        /MESSAGE_RETENTION_DAYS/,
      );
    },
  );
});
