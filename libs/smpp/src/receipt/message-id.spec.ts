import { messageIdKeys, messageIdsMatch } from './message-id';

describe(messageIdsMatch.name, () => {
  it.each([
    ['same id', 'ABC123', 'ABC123', true],
    ['different case', 'abc123', 'ABC123', true],
    ['hex in the resp, decimal in the receipt', 'DEADBEEF', '3735928559', true],
    ['zero-padded decimal', '0000042', '42', true],
    ['ids beyond 2^53', 'FFFFFFFFFFFFFFFF', '18446744073709551615', true],
    ['different ids', 'DEADBEEF', '3735928558', false],
    ['uuid vs number', '3f2a1c4e-0000-4000-8000-000000000001', '1', false],
  ])('%s: %s ~ %s -> %s', (_label, a, b, expected) => {
    expect(messageIdsMatch(a, b)).toBe(expected);
    expect(messageIdsMatch(b, a)).toBe(expected);
  });

  it('gives a uuid only its own lower-case key', () => {
    expect(messageIdKeys('3F2A1C4E-0000-4000-8000-000000000001')).toEqual([
      '3f2a1c4e-0000-4000-8000-000000000001',
    ]);
  });
});
