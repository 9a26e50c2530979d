import { decodeGsm7, encodeGsm7, Gsm7EncodingError, isGsm7Representable } from './gsm7-codec';

const hex = (buffer: Buffer): string => buffer.toString('hex');

describe('GSM 03.38 codec', () => {
  describe(encodeGsm7.name, () => {
    it('maps basic-table characters to their septets, one per octet', () => {
      expect(hex(encodeGsm7('Hello @ $ _'))).toBe('48656c6c6f2000200220' + '11');
    });

    it('maps the characters that differ from ASCII positions', () => {
      // £ 01, ¥ 03, è 04, Δ 10, ¤ 24, ¡ 40, Ä 5b, § 5f, ¿ 60, à 7f, LF 0a, CR 0d
      expect(hex(encodeGsm7('£¥èΔ¤¡Ä§¿à\n\r'))).toBe('010304102440' + '5b5f607f0a0d');
    });

    it('escapes extension characters with 0x1B (two septets each)', () => {
      expect(hex(encodeGsm7('€[^'))).toBe('1b65' + '1b3c' + '1b14');
      expect(hex(encodeGsm7('{}\\~]|\f'))).toBe(
        '1b28' + '1b29' + '1b2f' + '1b3d' + '1b3e' + '1b40' + '1b0a',
      );
    });

    it('refuses characters outside the alphabet, naming the character and index', () => {
      expect(() => encodeGsm7('ok ж')).toThrow(Gsm7EncodingError);
      expect(() => encodeGsm7('ok ж')).toThrow(/"ж" at index 3/);
    });
  });

  describe(isGsm7Representable.name, () => {
    it.each([
      ['plain ASCII letters', 'Hello world', true],
      ['extension characters', 'Cost: 5€ [x]', true],
      ['a backtick (not in GSM)', 'a`b', false],
      ['Cyrillic', 'Привет', false],
      ['an emoji', 'hi 😀', false],
      ['the lowercase ç (GSM has only Ç)', 'ç', false],
    ])('%s -> %s', (_label, text, expected) => {
      expect(isGsm7Representable(text)).toBe(expected);
    });
  });

  describe(decodeGsm7.name, () => {
    it('round-trips every representable character', () => {
      const all =
        '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\f^{}\\[~]|€';
      expect(decodeGsm7(encodeGsm7(all))).toBe(all);
    });

    it('shows the basic character for an undefined extension (23.038 §6.2.1.1)', () => {
      expect(decodeGsm7(Buffer.from([0x1b, 0x41]))).toBe('A');
    });

    it('drops a trailing lone escape and renders non-septet octets as ?', () => {
      expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A');
      expect(decodeGsm7(Buffer.from([0x41, 0x80]))).toBe('A?');
    });
  });
});
