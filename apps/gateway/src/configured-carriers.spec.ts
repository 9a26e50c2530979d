import { ConfigError, parseGatewayConfig } from '@tuxhat/config';

import { checkConfiguredCarriers } from './configured-carriers';

const SET = 'CONFIGURED_CARRIERS_SPEC_PASSWORD';
const UNSET = 'CONFIGURED_CARRIERS_SPEC_NOT_SET';

/** A config file with an SMPP and an SNS carrier, their secrets by variable name. */
function configWith({
  smppPassword = SET,
  snsKey = SET,
  smppEnabled = true,
  caFile,
}: { smppPassword?: string; snsKey?: string; smppEnabled?: boolean; caFile?: string } = {}) {
  return parseGatewayConfig(`
carriers:
  - id: telco-a
    name: Telco A
    kind: smpp
    enabled: ${smppEnabled}
    smpp:
      host: smsc.telco-a.example
      port: 2775
      systemId: tuxhat
      password: { env: ${smppPassword} }
${caFile ? `      tls: { caFile: ${caFile} }` : ''}
  - id: cloud
    name: Cloud
    kind: sns
    sns:
      region: eu-west-1
      accessKeyId: { env: ${snsKey} }
      secretAccessKey: { env: ${SET} }
routes:
  - id: default
    priority: 100
    carrier: telco-a
`);
}

describe(checkConfiguredCarriers.name, () => {
  beforeAll(() => {
    process.env[SET] = 'secret';
  });

  afterAll(() => {
    delete process.env[SET];
  });

  it('passes carriers whose secrets are set', () => {
    expect(() => checkConfiguredCarriers(configWith(), 'gateway.yaml')).not.toThrow();
  });

  it('stops the boot naming the file, the carrier and the key of every secret not set', () => {
    const check = () =>
      checkConfiguredCarriers(configWith({ smppPassword: UNSET, snsKey: UNSET }), 'gateway.yaml');
    expect(check).toThrow(ConfigError);
    expect(check).toThrow(
      `invalid configuration in gateway.yaml:\n` +
        `  - carriers[telco-a].smpp.password: environment variable ${UNSET} is not set\n` +
        `  - carriers[cloud].sns.accessKeyId: environment variable ${UNSET} is not set`,
    );
  });

  it('names a TLS file the connector cannot read', () => {
    expect(() =>
      checkConfiguredCarriers(configWith({ caFile: '/nonexistent/ca.pem' }), 'gateway.yaml'),
    ).toThrow(/carriers\[telco-a\]\.smpp\.tls\.caFile: cannot read \/nonexistent\/ca\.pem/);
  });

  it('leaves a disabled carrier alone', () => {
    expect(() =>
      checkConfiguredCarriers(
        configWith({ smppPassword: UNSET, smppEnabled: false }),
        'gateway.yaml',
      ),
    ).not.toThrow();
  });
});
