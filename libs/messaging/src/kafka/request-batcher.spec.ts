import type { OutgoingRecord } from '../bus-record';
import { RequestBatcher } from './request-batcher';

const record = (n: number): OutgoingRecord => ({
  topic: 't',
  key: String(n),
  value: Buffer.from(String(n)),
  headers: {},
});

describe(RequestBatcher.name, () => {
  it('sends the adds of the same tick as one batch', async () => {
    const batches: number[] = [];
    const sut = new RequestBatcher<OutgoingRecord>(async (records) => {
      batches.push(records.length);
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.add(record(n))));
    expect(batches).toEqual([5]);
  });

  it('collects items added while a batch is in flight into the next batch', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const firstSend = new Promise<void>((resolve) => (release = resolve));
    const sut = new RequestBatcher<OutgoingRecord>(async (records) => {
      batches.push(records.map((item) => item.key!));
      if (batches.length === 1) await firstSend;
    });
    const first = sut.add(record(1));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [sut.add(record(2)), sut.add(record(3))];
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([['1'], ['2', '3']]);
  });

  it('rejects every add of a failed batch, and recovers for the next one', async () => {
    let fail = true;
    const sut = new RequestBatcher<OutgoingRecord>(async () => {
      if (fail) throw new Error('broker down');
    });
    await expect(Promise.all([sut.add(record(1)), sut.add(record(2))])).rejects.toThrow(
      'broker down',
    );
    fail = false;
    await expect(sut.add(record(3))).resolves.toBeUndefined();
  });

  it('caps the batch size', async () => {
    const batches: number[] = [];
    const sut = new RequestBatcher<OutgoingRecord>(async (records) => {
      batches.push(records.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.add(record(n))));
    expect(batches).toEqual([2, 2, 1]);
  });
});
