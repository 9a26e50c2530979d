// bench/recent-keys: the cost of one write to a bounded "recent keys" map, as a connector
// remembers every message it sends (RecentOutcomes), before and after RecentMap.
//   node dist/bench/recent-keys.js [--capacity=100000] [--writes=400000]
// No services: one process, both implementations side by side in one run, the same keys.
import { RecentMap } from '@tuxhat/runtime';

import { integerFlag, runBench } from './lib/cli';
import { type Row, markdown } from './lib/report';

/** What the bench writes to: the map under test, bounded to the capacity. */
interface BoundedMap {
  set(key: string, value: number): void;
}

/**
 * The baseline, as RecentOutcomes kept its messages until session 25: one Map in write order,
 * the oldest key deleted through keys().next() once past the capacity.
 */
class OldestFirstOutMap implements BoundedMap {
  private readonly map = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  set(key: string, value: number): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }
}

function main(): void {
  const capacity = integerFlag(process.argv, 'capacity', 100_000);
  const writes = integerFlag(process.argv, 'writes', 4 * capacity);
  const step = Math.max(1, Math.floor(capacity / 2));
  const systems: { name: string; map: BoundedMap }[] = [
    { name: 'one Map, oldest out by keys().next() (before)', map: new OldestFirstOutMap(capacity) },
    { name: 'RecentMap (libs/runtime)', map: new RecentMap<string, number>(capacity) },
  ];
  const rows: Row[] = [];
  // Step by step, the two in turn: both see the same machine at the same moment.
  for (let from = 0; from < writes; from += step) {
    const to = Math.min(writes, from + step);
    for (const { name, map } of systems) {
      const started = process.hrtime.bigint();
      for (let index = from; index < to; index++) map.set(`msg_${index}`, index);
      const micros = Number(process.hrtime.bigint() - started) / 1_000;
      rows.push({
        target: name,
        scenario: `writes ${from.toLocaleString('en-US')}-${to.toLocaleString('en-US')}, capacity ${capacity.toLocaleString('en-US')}`,
        cells: { 'µs per write': (micros / (to - from)).toFixed(2) },
      });
    }
  }
  console.log(
    markdown(
      'bench/recent-keys',
      `node dist/bench/recent-keys.js ${process.argv.slice(2).join(' ')}`,
      rows,
    ),
  );
}

runBench(() => Promise.resolve().then(main));
