import { ConfigError } from './config-error';
import { parseGatewayConfig, resolveSecret } from './gateway-config.loader';

const valid = `
tenants:
  - id: acme
    name: Acme Bank
    apiKeys:
      - name: main
        prefix: thk_abcd1234
        sha256: ${'a'.repeat(64)}
carriers:
  - id: telco-a
    name: Telco A
    kind: smpp
    smpp:
      host: 127.0.0.1
      port: 2775
      systemId: tuxhat
      password: { env: TELCO_A_PASSWORD }
routes:
  - id: default
    priority: 100
    carrier: telco-a
`;

function problemsOf(text: string): readonly string[] {
  try {
    parseGatewayConfig(text, 'tuxhat.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(parseGatewayConfig.name, () => {
  it('reads a valid file and fills defaults', () => {
    const config = parseGatewayConfig(valid);
    expect(config.tenants[0]).toMatchObject({ id: 'acme', status: 'active' });
    expect(config.carriers[0]).toMatchObject({
      kind: 'smpp',
      smpp: { bindMode: 'transceiver', windowSize: 10, systemType: '' },
    });
  });

  it('names an unknown key', () => {
    expect(
      problemsOf(valid.replace('    priority: 100', '    priority: 100\n    colour: blue')),
    ).toEqual(['routes[0].colour: unknown key']);
  });

  it('names a missing carrier host', () => {
    expect(problemsOf(valid.replace('      host: 127.0.0.1\n', ''))).toEqual([
      'carriers[0].smpp.host: required',
    ]);
  });

  it('names a route that points at no carrier', () => {
    expect(problemsOf(valid.replace('carrier: telco-a', 'carrier: telco-b'))).toEqual([
      'routes[0].carrier: no carrier with id "telco-b"',
    ]);
  });

  it('rejects a clear-text key where a SHA-256 belongs', () => {
    expect(problemsOf(valid.replace('a'.repeat(64), 'thk_abcd1234_secret'))[0]).toMatch(
      /^tenants\[0\]\.apiKeys\[0\]\.sha256: /,
    );
  });

  it('says so when the text is not YAML', () => {
    expect(problemsOf('tenants: [unclosed')[0]).toMatch(/not valid YAML/);
  });

  it('names the message source in the error', () => {
    expect(() => parseGatewayConfig('carriers: []', 'my.yaml')).toThrow(
      /invalid configuration in my\.yaml/,
    );
  });
});

describe(resolveSecret.name, () => {
  it('reads a secret from the named environment variable', () => {
    expect(resolveSecret({ env: 'PW' }, 'carriers[0].smpp.password', { PW: 's3cret' })).toBe(
      's3cret',
    );
  });

  it('names the key and the variable when it is unset', () => {
    expect(() => resolveSecret({ env: 'PW' }, 'carriers[0].smpp.password', {})).toThrow(
      /carriers\[0\]\.smpp\.password: environment variable PW is not set/,
    );
  });
});
