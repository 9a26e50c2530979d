import type { OutgoingRecord } from '../bus-record';
import { BatchingProducer } from './batching-producer';

const record = (n: number): OutgoingRecord => ({
  topic: 't',
  key: String(n),
  value: Buffer.from(String(n)),
  headers: {},
});

describe(BatchingProducer.name, () => {
  it('sends publishes of the same tick as one batch', async () => {
    const batches: number[] = [];
    const sut = new BatchingProducer(async (records) => {
      batches.push(records.length);
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.publish(record(n))));
    expect(batches).toEqual([5]);
  });

  it('collects records published while a send is in flight into the next batch', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const firstSend = new Promise<void>((resolve) => (release = resolve));
    const sut = new BatchingProducer(async (records) => {
      batches.push(records.map((item) => item.key!));
      if (batches.length === 1) await firstSend;
    });
    const first = sut.publish(record(1));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [sut.publish(record(2)), sut.publish(record(3))];
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([['1'], ['2', '3']]);
  });

  it('rejects every publish of a failed batch, and recovers for the next one', async () => {
    let fail = true;
    const sut = new BatchingProducer(async () => {
      if (fail) throw new Error('broker down');
    });
    await expect(Promise.all([sut.publish(record(1)), sut.publish(record(2))])).rejects.toThrow(
      'broker down',
    );
    fail = false;
    await expect(sut.publish(record(3))).resolves.toBeUndefined();
  });

  it('caps the batch size', async () => {
    const batches: number[] = [];
    const sut = new BatchingProducer(async (records) => {
      batches.push(records.length);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => sut.publish(record(n))));
    expect(batches).toEqual([2, 2, 1]);
  });
});
