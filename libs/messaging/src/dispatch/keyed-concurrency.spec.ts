import { forEachKeyed } from './keyed-concurrency';

describe(forEachKeyed.name, () => {
  it('keeps per-key order while running different keys concurrently', async () => {
    const items = ['a1', 'b1', 'a2', 'b2', 'a3', 'c1'];
    const finished: string[] = [];
    let running = 0;
    let maxRunning = 0;
    await forEachKeyed(
      items,
      (item) => item[0],
      8,
      async (item) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        // a yields longer than b so that a concurrent schedule interleaves them
        await new Promise((resolve) => setImmediate(resolve));
        if (item.startsWith('a')) await new Promise((resolve) => setImmediate(resolve));
        finished.push(item);
        running--;
      },
    );
    expect(finished.filter((item) => item.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(finished.filter((item) => item.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(maxRunning).toBe(3);
  });

  it('never exceeds the concurrency limit', async () => {
    let running = 0;
    let maxRunning = 0;
    await forEachKeyed(
      Array.from({ length: 20 }, (_, index) => String(index)),
      (item) => item,
      4,
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
      },
    );
    expect(maxRunning).toBe(4);
  });
});
