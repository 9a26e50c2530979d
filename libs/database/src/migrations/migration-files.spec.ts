import { migrationChecksum, scriptMatchesChecksum } from './migration-files';

describe('migrationChecksum', () => {
  it('is the zero-padded hex SHA-256 Prisma stores', () => {
    // The vector from prisma-engines' checksum.rs tests.
    expect(migrationChecksum('hello')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });
});

describe(scriptMatchesChecksum.name, () => {
  it('accepts the same script', () => {
    expect(
      scriptMatchesChecksum('CREATE TABLE a();\n', migrationChecksum('CREATE TABLE a();\n')),
    ).toBe(true);
  });

  it('ignores line endings, as Prisma does', () => {
    const lf = 'ab\ncd\nef\n';
    const crlf = 'ab\r\ncd\r\nef\r\n';
    expect(scriptMatchesChecksum(lf, migrationChecksum(crlf))).toBe(true);
    expect(scriptMatchesChecksum(crlf, migrationChecksum(lf))).toBe(true);
  });

  it('rejects any other change', () => {
    expect(scriptMatchesChecksum('abc\n', migrationChecksum('abc'))).toBe(false);
    expect(scriptMatchesChecksum('abc', migrationChecksum('abd'))).toBe(false);
  });

  it('accepts old Prisma checksums that lost their zero padding', () => {
    // sha256("abcd") has bytes below 0x10, so the unpadded form is shorter than 64 digits.
    const padded = migrationChecksum('abcd');
    const unpadded = Buffer.from(padded, 'hex').reduce((out, byte) => out + byte.toString(16), '');
    expect(unpadded.length).toBeLessThan(64);
    expect(scriptMatchesChecksum('abcd', unpadded)).toBe(true);
  });
});
