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

  it('drains a backlog paced: after each round it pauses as long as the round took', async () => {
    jest.useFakeTimers();
    const clock = { time: now.getTime(), now: () => new Date(clock.time) };
    const deleted: string[] = [];
    /** A table of `rows` old rows whose every batch takes the database 40 ms. */
    const slowTable = (name: string, rows: number): RetentionTable => {
      let left = rows;
      return {
        name,
        deleteBatch: async (_before, limit) => {
          clock.time += 40;
          const count = Math.min(left, limit);
          left -= count;
          deleted.push(`${name} ${count}`);
          return count;
        },
      };
    };
    const logged: string[] = [];
    const sweep = new RetentionSweep({
      retentionMs: 10 * DAY_MS,
      tables: [slowTable('messages', 250), slowTable('receipts', 30)],
      clock,
      logger: { log: (message) => logged.push(message), warn: () => undefined },
      intervalMs: 60_000,
      firstDelayMs: 1_000,
      rowsPerDelete: 100,
    });
    sweep.start();

    await jest.advanceTimersByTimeAsync(1_000);
    // Round one, 80 ms of batches; a table whose batch came back short is done.
    expect(deleted).toEqual(['messages 100', 'receipts 30']);
    await jest.advanceTimersByTimeAsync(79);
    expect(deleted).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(deleted).toEqual(['messages 100', 'receipts 30', 'messages 100']);
    await jest.advanceTimersByTimeAsync(40);
    expect(deleted.slice(3)).toEqual(['messages 50']);
    expect(logged).toEqual(['deleted past their retention: 250 messages, 30 receipts']);

    // Nothing left: the next sweep is an interval later, and it logs nothing.
    await jest.advanceTimersByTimeAsync(59_999);
    expect(deleted).toHaveLength(4);
    await jest.advanceTimersByTimeAsync(1);
    expect(deleted.slice(4)).toEqual(['messages 0', 'receipts 0']);
    expect(logged).toHaveLength(1);
    await sweep.stop();
  });

  it('stops between two rounds of a paced drain', async () => {
    jest.useFakeTimers();
    const clock = { time: now.getTime(), now: () => new Date(clock.time) };
    let batches = 0;
    const sweep = new RetentionSweep({
      retentionMs: 10 * DAY_MS,
      tables: [
        {
          name: 'messages',
          deleteBatch: async (_before, limit) => {
            clock.time += 1_000;
            batches++;
            return limit;
          },
        },
      ],
      clock,
      logger: { log: () => undefined, warn: () => undefined },
      firstDelayMs: 0,
    });
    sweep.start();
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toBe(1);
    // In the pause after the first round: stop() ends the drain there, no further batch runs.
    await sweep.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(batches).toBe(1);
  });

  it.each([0, -0.5, 1.5])('refuses a busy share of %d', (busyShare) => {
    expect(
      () =>
        new RetentionSweep({
          retentionMs: DAY_MS,
          tables: [],
          clock: { now: () => now },
          logger: { log: () => undefined, warn: () => undefined },
          busyShare,
        }),
    ).toThrow(RangeError);
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
