import { chooseAlphabet } from './alphabet';
import { partCapacity } from './concatenation';
import { MessageTooLongError, splitMessage, type SplitOptions } from './message-splitter';

/** Golden bytes of every part, hex. */
const hexOf = (text: string, options: SplitOptions): string[] =>
  splitMessage(text, options).parts.map((part) => part.shortMessage.toString('hex'));

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** 8-bit concatenation UDH, reference 0x2a. */
const udh8 = (total: number, seq: number): string => `0500032a${hex2(total)}${hex2(seq)}`;
/** 16-bit concatenation UDH, reference 0x1234. */
const udh16 = (total: number, seq: number): string => `0608041234${hex2(total)}${hex2(seq)}`;

const R8 = { reference: 0x2a } as const;
const R16 = { reference: 0x1234 } as const;

describe('splitter golden bytes', () => {
  describe('maximum lengths per alphabet and concatenation', () => {
    it.each([
      ['gsm7', 'udh8', 160, 153],
      ['gsm7', 'udh16', 160, 152],
      ['gsm7', 'sar', 160, 152],
      ['latin1', 'udh8', 140, 134],
      ['latin1', 'udh16', 140, 133],
      ['ucs2', 'udh8', 70, 67],
      ['ucs2', 'udh16', 70, 66],
    ] as const)('%s with %s: %i alone, %i per part', (alphabet, concatenation, single, multi) => {
      expect(partCapacity(alphabet, concatenation)).toEqual({ single, multipart: multi });
    });

    it('GSM-7: 160 septets are one part, 161 are 153 + 8 (udh8) or 152 + 9 (udh16)', () => {
      expect(hexOf('a'.repeat(160), R8)).toEqual(['61'.repeat(160)]);
      expect(hexOf('a'.repeat(161), R8)).toEqual([
        udh8(2, 1) + '61'.repeat(153),
        udh8(2, 2) + '61'.repeat(8),
      ]);
      expect(hexOf('a'.repeat(161), { ...R16, concatenation: 'udh16' })).toEqual([
        udh16(2, 1) + '61'.repeat(152),
        udh16(2, 2) + '61'.repeat(9),
      ]);
    });

    it('Latin-1: data_coding 0x03, 140 octets alone, 134 (udh8) or 133 (udh16) per part', () => {
      const single = splitMessage('é'.repeat(140), { ...R8, encoding: 'latin1' });
      expect(single.dataCoding).toBe(0x03);
      expect(single.parts.map((part) => part.shortMessage.toString('hex'))).toEqual([
        'e9'.repeat(140),
      ]);
      expect(hexOf('é'.repeat(141), { ...R8, encoding: 'latin1' })).toEqual([
        udh8(2, 1) + 'e9'.repeat(134),
        udh8(2, 2) + 'e9'.repeat(7),
      ]);
      expect(
        hexOf('é'.repeat(141), { ...R16, encoding: 'latin1', concatenation: 'udh16' }),
      ).toEqual([udh16(2, 1) + 'e9'.repeat(133), udh16(2, 2) + 'e9'.repeat(8)]);
    });

    it('UCS-2: 70 units alone, 67 (udh8) or 66 (udh16) per part', () => {
      expect(hexOf('Ж'.repeat(70), R8)).toEqual(['0416'.repeat(70)]);
      expect(hexOf('Ж'.repeat(71), R8)).toEqual([
        udh8(2, 1) + '0416'.repeat(67),
        udh8(2, 2) + '0416'.repeat(4),
      ]);
      expect(hexOf('Ж'.repeat(71), { ...R16, concatenation: 'udh16' })).toEqual([
        udh16(2, 1) + '0416'.repeat(66),
        udh16(2, 2) + '0416'.repeat(5),
      ]);
    });

    it('every part stays within 140 octets of user data once the UDH is counted', () => {
      for (const concatenation of ['udh8', 'udh16'] as const) {
        for (const [encoding, text] of [
          ['ucs2', 'Ж'.repeat(500)],
          ['latin1', 'é'.repeat(500)],
        ] as const) {
          for (const part of splitMessage(text, { encoding, concatenation, reference: 1 }).parts) {
            expect(part.shortMessage.length).toBeLessThanOrEqual(140);
          }
        }
      }
    });
  });

  describe('extension characters', () => {
    it('cost two septets: 158 + € fills one part, 159 + € needs two', () => {
      expect(hexOf('a'.repeat(158) + '€', R8)).toEqual(['61'.repeat(158) + '1b65']);
      expect(hexOf('a'.repeat(159) + '€', R8)).toEqual([
        udh8(2, 1) + '61'.repeat(153),
        udh8(2, 2) + '61'.repeat(6) + '1b65',
      ]);
    });

    it('an escape pair that would end one septet past the part moves whole to the next part', () => {
      expect(hexOf('a'.repeat(152) + '{' + 'b'.repeat(10), R8)).toEqual([
        udh8(2, 1) + '61'.repeat(152),
        udh8(2, 2) + '1b28' + '62'.repeat(10),
      ]);
      expect(
        hexOf('a'.repeat(151) + '|' + 'b'.repeat(9), { ...R16, concatenation: 'udh16' }),
      ).toEqual([udh16(2, 1) + '61'.repeat(151), udh16(2, 2) + '1b40' + '62'.repeat(9)]);
    });

    it('encodes the whole extension table', () => {
      expect(hexOf('^{}\\[~]|€\f', R8)).toEqual([
        '1b14' + '1b28' + '1b29' + '1b2f' + '1b3c' + '1b3d' + '1b3e' + '1b40' + '1b65' + '1b0a',
      ]);
    });
  });

  describe('emoji across a part boundary', () => {
    it('udh8: a surrogate pair starting at unit 67 goes whole into part 2', () => {
      expect(hexOf('Ж'.repeat(66) + '😀' + 'Ж'.repeat(5), R8)).toEqual([
        udh8(2, 1) + '0416'.repeat(66),
        udh8(2, 2) + 'd83dde00' + '0416'.repeat(5),
      ]);
    });

    it('udh16: a surrogate pair starting at unit 66 goes whole into part 2', () => {
      expect(
        hexOf('Ж'.repeat(65) + '😀' + 'Ж'.repeat(5), { ...R16, concatenation: 'udh16' }),
      ).toEqual([udh16(2, 1) + '0416'.repeat(65), udh16(2, 2) + 'd83dde00' + '0416'.repeat(5)]);
    });

    it('no part ever ends on a high surrogate', () => {
      const text = '😀'.repeat(100) + 'x' + '👍🏽'.repeat(50);
      for (const concatenation of ['udh8', 'udh16', 'sar'] as const) {
        const sut = splitMessage(text, { concatenation, reference: 7 });
        for (const part of sut.parts) {
          const last = part.text.charCodeAt(part.text.length - 1);
          expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
        }
        expect(sut.parts.map((part) => part.text).join('')).toBe(text);
      }
    });
  });

  describe('SAR TLVs', () => {
    it('parts carry no UDH and are numbered by sar_* (16-bit reference), sized for a 16-bit UDH', () => {
      const sut = splitMessage('a'.repeat(161), { concatenation: 'sar', reference: 0xbeef });
      expect(sut.parts.map((part) => part.shortMessage.toString('hex'))).toEqual([
        '61'.repeat(152),
        '61'.repeat(9),
      ]);
      expect(sut.parts.map((part) => [part.esmClass, part.sar])).toEqual([
        [0x00, { reference: 0xbeef, total: 2, sequence: 1 }],
        [0x00, { reference: 0xbeef, total: 2, sequence: 2 }],
      ]);
    });

    it('a message that fits one SMS gets no SAR TLVs', () => {
      expect(splitMessage('short', { concatenation: 'sar', reference: 1 }).parts[0]?.sar).toBe(
        undefined,
      );
    });
  });

  describe('message_payload', () => {
    it('carries a long text whole in one submit_sm with an empty short_message', () => {
      const sut = splitMessage('Ж'.repeat(200), { concatenation: 'payload', reference: 0 });
      expect(sut.parts).toHaveLength(1);
      expect(sut.parts[0]?.shortMessage).toHaveLength(0);
      expect(sut.parts[0]?.messagePayload?.toString('hex')).toBe('0416'.repeat(200));
      expect(sut.parts[0]?.esmClass).toBe(0x00);
    });

    it('keeps a text that fits one SMS in short_message', () => {
      const sut = splitMessage('Hello', { concatenation: 'payload', reference: 0 });
      expect(sut.parts[0]?.shortMessage.toString('hex')).toBe('48656c6c6f');
      expect(sut.parts[0]?.messagePayload).toBeUndefined();
    });

    it('refuses a text beyond the 65 535 octets a TLV can hold', () => {
      expect(() =>
        splitMessage('a'.repeat(65_536), { concatenation: 'payload', reference: 0 }),
      ).toThrow(MessageTooLongError);
    });
  });

  it('references: 0..255 for udh8, 0..65535 for udh16 and sar', () => {
    expect(() => splitMessage('a'.repeat(200), { reference: 256 })).toThrow(RangeError);
    expect(() =>
      splitMessage('a'.repeat(200), { reference: 65_536, concatenation: 'udh16' }),
    ).toThrow(RangeError);
    expect(
      splitMessage('a'.repeat(200), { reference: 65_535, concatenation: 'udh16' }).reference,
    ).toBe(65_535);
  });
});

describe(chooseAlphabet.name, () => {
  it.each([
    ['GSM text, GSM preferred', 'Hello €', ['gsm7', 'ucs2'], 'gsm7'],
    ['accented text GSM lacks, Latin-1 allowed', 'Olá ça', ['gsm7', 'latin1', 'ucs2'], 'latin1'],
    ['accented text GSM lacks, no Latin-1', 'Olá ça', ['gsm7', 'ucs2'], 'ucs2'],
    ['Cyrillic', 'Привет', ['gsm7', 'latin1', 'ucs2'], 'ucs2'],
    ['€ is GSM but not Latin-1, Latin-1 first', '5 €', ['latin1', 'gsm7', 'ucs2'], 'gsm7'],
    ['nothing in the list fits', 'Привет', ['gsm7'], 'ucs2'],
  ] as const)('%s -> %s', (_label, text, preference, expected) => {
    expect(chooseAlphabet(text, preference)).toBe(expected);
  });
});
