import { seededRandom } from '@tuxhat/testing';

import { lookupKeys, matchRank, storedKey } from './carrier-id-keys';

/** Whether a receipt with id `receiptId` finds the part stored for `storedId`. */
const meet = (storedId: string, receiptId: string) =>
  lookupKeys(receiptId).includes(storedKey(storedId));

describe(lookupKeys.name, () => {
  it.each([
    ['same id', 'ABC123', 'ABC123'],
    ['case and blanks', ' 0a1b2c ', '0A1B2C'],
    ['hex in the response, decimal in the receipt', '0A1B', '2587'],
    ['decimal digits read as hex', '2587', '9607'],
    ['zero-padded decimal', '000123', '123'],
    ['zero-padded decimal read as hex', '000123', '291'],
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
    expect(meet(b, a)).toBe(false);
  });

  it('stores an id under its text alone, and looks up a non-numeric id by its text alone', () => {
    expect(storedKey(' 00AB12 ')).toBe('t:ab12');
    expect(lookupKeys('3F2A1C4E-0000-4000-8000-000000000001')).toEqual([
      't:3f2a1c4e-0000-4000-8000-000000000001',
    ]);
  });

  it('looks up the same text first', () => {
    expect(lookupKeys('0A1B')[0]).toBe('t:a1b');
    expect(lookupKeys('2587')[0]).toBe('t:2587');
  });

  it('meets exactly when the ids have the same text or a number in common (matchRank)', () => {
    const random = seededRandom(5);
    const pick = (text: string) => text[Math.floor(random() * text.length)];
    const anyId = (): string => {
      const digits = Math.floor(random() * 4) === 0 ? '0123456789abcdefABCDEF' : '0123456789';
      const length = 1 + Math.floor(random() * 5);
      const id = Array.from({ length }, () => pick(digits)).join('');
      return random() < 0.2 ? `0${id}` : id;
    };
    // Small ids collide often: hex and decimal spellings of the same numbers come up.
    const ids = Array.from({ length: 400 }, anyId);
    let met = 0;
    for (const stored of ids.slice(0, 200))
      for (const receipt of ids.slice(200)) {
        const expected = matchRank(stored, receipt) !== null;
        if (meet(stored, receipt) !== expected) {
          throw new Error(`${stored} vs ${receipt}: meet ${!expected}, matchRank says ${expected}`);
        }
        if (expected) met += 1;
      }
    expect(met).toBeGreaterThan(100);
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
