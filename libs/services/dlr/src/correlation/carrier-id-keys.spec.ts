import { lookupKeys, matchRank } from './carrier-id-keys';

describe(lookupKeys.name, () => {
  const meet = (a: string, b: string) => lookupKeys(a).some((key) => lookupKeys(b).includes(key));

  it.each([
    ['same id', 'ABC123', 'ABC123'],
    ['case and blanks', ' 0a1b2c ', '0A1B2C'],
    ['hex in the response, decimal in the receipt', '0A1B', '2587'],
    ['zero-padded decimal', '000123', '123'],
    ['zero-padded hex', '00DEADBEEF', 'deadbeef'],
    ['ids beyond 2^53', 'FFFFFFFFFFFFFFFF', '18446744073709551615'],
    ['all zeros', '000', '0'],
  ])('%s: %s meets %s', (_label, a, b) => {
    expect(meet(a, b)).toBe(true);
    expect(meet(b, a)).toBe(true);
  });

  it.each([
    ['different numbers', 'DEADBEEF', '3735928558'],
    ['uuid vs number', '3f2a1c4e-0000-4000-8000-000000000001', '1'],
    ['different text', 'abc-1', 'abc-2'],
  ])('%s: %s does not meet %s', (_label, a, b) => {
    expect(meet(a, b)).toBe(false);
  });

  it('gives a non-numeric id only its text key', () => {
    expect(lookupKeys('3F2A1C4E-0000-4000-8000-000000000001')).toEqual([
      't:3f2a1c4e-0000-4000-8000-000000000001',
    ]);
  });
});

describe(matchRank.name, () => {
  it('ranks the same text above the same number read differently', () => {
    expect(matchRank('2587', '2587')).toBe(0);
    expect(matchRank('000123', '123')).toBe(0);
    expect(matchRank('0A1B', '2587')).toBe(1);
    expect(matchRank('2587', '9607')).toBe(1); // hex 2587 is decimal 9607
    expect(matchRank('0A1B', '2588')).toBeNull();
  });
});
