import {
  Latin1EncodingError,
  decodeLatin1,
  encodeLatin1,
  isLatin1Representable,
} from './latin1-codec';

describe('Latin-1 codec', () => {
  it('encodes one octet per character', () => {
    expect(encodeLatin1('Olá, ção ÿ').toString('hex')).toBe('4f6ce12c20e7e36f20ff');
  });

  it('refuses characters above U+00FF, naming them', () => {
    expect(() => encodeLatin1('5 €')).toThrow(Latin1EncodingError);
    expect(() => encodeLatin1('5 €')).toThrow(/"€" at index 2/);
    expect(isLatin1Representable('ça')).toBe(true);
    expect(isLatin1Representable('😀')).toBe(false);
  });

  it('decodes what it encodes', () => {
    expect(decodeLatin1(encodeLatin1('Ærø ßüñ'))).toBe('Ærø ßüñ');
  });
});
