import { MoReassembly } from './mo-reassembly';

const part = (sequence: number, text: string, reference = 7, total = 3) => ({
  carrierId: 'telco-a',
  source: '+38267123456',
  destination: '1234',
  concat: { reference, total, sequence },
  text,
});

describe(MoReassembly.name, () => {
  it('returns the whole text when the last part arrives, in part order whatever the arrival order', () => {
    const sut = new MoReassembly(60_000);
    expect(sut.add(part(2, 'b'), 0)).toBeUndefined();
    expect(sut.add(part(3, 'c'), 1)).toBeUndefined();
    expect(sut.add(part(2, 'b'), 2)).toBeUndefined(); // redelivered by the SMSC
    expect(sut.add(part(1, 'a'), 3)).toBe('abc');
    expect(sut.size).toBe(0);
  });

  it('keeps messages with different references apart', () => {
    const sut = new MoReassembly(60_000);
    sut.add(part(1, 'x', 1, 2), 0);
    sut.add(part(1, 'y', 2, 2), 0);
    expect(sut.add(part(2, 'Y', 2, 2), 0)).toBe('yY');
    expect(sut.add(part(2, 'X', 1, 2), 0)).toBe('xX');
  });

  it('gives up on a message whose parts do not all arrive in time, reporting the missing ones', () => {
    const sut = new MoReassembly(1_000);
    sut.add(part(1, 'a'), 0);
    sut.add(part(3, 'c'), 10);
    expect(sut.takeExpired(999)).toEqual([]);
    expect(sut.takeExpired(1_000)).toEqual([
      {
        carrierId: 'telco-a',
        source: '+38267123456',
        destination: '1234',
        text: 'ac',
        missing: [2],
      },
    ]);
    expect(sut.size).toBe(0);
  });
});
