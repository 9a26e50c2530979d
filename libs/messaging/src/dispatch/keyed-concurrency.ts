/**
 * Runs `work` for every item, items with the same key strictly one after another (per-key
 * order is what Kafka keys promise), different keys concurrently up to `maxConcurrency`.
 */
export async function forEachKeyed<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxConcurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queues = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const queue = queues.get(key);
    if (queue) queue.push(item);
    else queues.set(key, [item]);
  }
  const pending = [...queues.values()];
  const worker = async (): Promise<void> => {
    for (let queue = pending.shift(); queue; queue = pending.shift()) {
      for (const item of queue) await work(item);
    }
  };
  const workers = Array.from(
    { length: Math.max(1, Math.min(maxConcurrency, pending.length)) },
    worker,
  );
  await Promise.all(workers);
}
