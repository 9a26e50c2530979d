import { decodeUcs2, encodeUcs2 } from './ucs2-codec';

describe('UCS-2 codec', () => {
  it('encodes UTF-16 big-endian, surrogate pairs included', () => {
    expect(encodeUcs2('Жa😀').toString('hex')).toBe('0416' + '0061' + 'd83dde00');
  });

  it('decodes UTF-16BE and ignores a trailing odd octet', () => {
    expect(decodeUcs2(Buffer.from('0416d83dde0000', 'hex'))).toBe('Ж😀');
  });
});
