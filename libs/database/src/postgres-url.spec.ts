import { parsePostgresUrl, quoteIdent, searchPathOption } from './postgres-url';

describe(parsePostgresUrl.name, () => {
  it("takes Prisma's schema parameter out of the URL for node-postgres", () => {
    const sut = parsePostgresUrl(
      'postgresql://u:p@127.0.0.1:5432/db?schema=tenant_a&sslmode=disable',
    );
    expect(sut.schema).toBe('tenant_a');
    expect(sut.connectionString).toBe('postgresql://u:p@127.0.0.1:5432/db?sslmode=disable');
  });

  it('leaves a URL without schema alone', () => {
    const sut = parsePostgresUrl('postgres://u:p%40ss@db.local/tuxhat');
    expect(sut).toEqual({
      connectionString: 'postgres://u:p%40ss@db.local/tuxhat',
      schema: undefined,
    });
  });

  it('rejects a schema that is not a plain identifier', () => {
    expect(() => parsePostgresUrl('postgresql://h/db?schema=a;drop')).toThrow(/schema="a;drop"/);
  });

  it('rejects other schemes and non-URLs with a message saying what is expected', () => {
    expect(() => parsePostgresUrl('mysql://h/db')).toThrow(/expected postgresql:/);
    expect(() => parsePostgresUrl('not a url')).toThrow(/not a valid URL/);
  });
});

describe(searchPathOption.name, () => {
  it('sets search_path only when a schema is given', () => {
    expect(searchPathOption('x')).toBe('-c search_path=x');
    expect(searchPathOption(undefined)).toBeUndefined();
  });
});

describe(quoteIdent.name, () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
