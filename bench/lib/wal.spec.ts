import { startWalCount, walPerItem } from './wal';

describe(walPerItem.name, () => {
  it('gives kilobytes (1,000 bytes) with one decimal per item', () => {
    expect(walPerItem(6_843_000n, 1_000)).toBe('6.8 KB');
    expect(walPerItem(12_050n, 1)).toBe('12.1 KB');
  });

  it('gives whole bytes below a kilobyte', () => {
    expect(walPerItem(999n, 1)).toBe('999 B');
    expect(walPerItem(1_500n, 4)).toBe('375 B');
  });

  it('has no figure without items, or without a server to ask', () => {
    expect(walPerItem(5_000n, 0)).toBe('–');
    expect(walPerItem(undefined, 10)).toBe('–');
  });
});

describe(startWalCount.name, () => {
  it('gives the bytes between its start and each call', async () => {
    const positions = [1_000n, 4_500n, 9_000n];
    const written = await startWalCount({ walPosition: async () => positions.shift()! });
    expect(await written()).toBe(3_500n);
    expect(await written()).toBe(8_000n);
  });

  it('gives nothing for a system without a PostgreSQL server', async () => {
    const written = await startWalCount({});
    expect(await written()).toBeUndefined();
  });
});
