import { ConfigError, resolveSmppSettings, smppSettingsSchema } from '@tuxhat/config';

import { createEsmeClient, esmeClientOptionsFor, tlsOptionsFor } from './esme-client.factory';
import type { SmppCarrier } from './smpp-carrier.repository';

const carrier: SmppCarrier = {
  id: 'telco-a',
  name: 'Telco A',
  settings: resolveSmppSettings(
    smppSettingsSchema.parse({
      host: '10.0.0.1',
      port: 2775,
      systemId: 'tuxhat',
      password: { env: 'TELCO_A_PASSWORD' },
      systemType: 'VMA',
      windowSize: 20,
      responseTimeoutMs: 8_000,
      addrTon: 1,
      addrNpi: 1,
      addressRange: '^3826',
    }),
  ),
};

describe(esmeClientOptionsFor.name, () => {
  it('maps the carrier settings and resolves the password from the environment', () => {
    expect(
      esmeClientOptionsFor(carrier, 'transmitter', {}, { TELCO_A_PASSWORD: 's3cret' }),
    ).toEqual({
      host: '10.0.0.1',
      port: 2775,
      systemId: 'tuxhat',
      password: 's3cret',
      systemType: 'VMA',
      bindType: 'transmitter',
      addrTon: 1,
      addrNpi: 1,
      addressRange: '^3826',
      windowSize: 20,
      responseTimeoutMs: 8_000,
      connectTimeoutMs: 8_000,
      enquireLinkIntervalMs: 30_000,
    });
  });

  it('names the key, never a value, when the password variable is unset', () => {
    expect(() => esmeClientOptionsFor(carrier, 'transceiver', {}, {})).toThrow(ConfigError);
    expect(() => esmeClientOptionsFor(carrier, 'transceiver', {}, {})).toThrow(
      /carriers\[telco-a\]\.smpp\.password.*TELCO_A_PASSWORD/,
    );
  });
});

describe(tlsOptionsFor.name, () => {
  const files: Record<string, string> = { '/etc/ca.pem': 'CA', '/c.pem': 'C', '/k.pem': 'K' };
  const read = (path: string) => {
    const content = files[path];
    if (content === undefined) throw new Error('ENOENT');
    return Buffer.from(content);
  };

  it('verifies the SMSC against the CA file and sends a client certificate for mutual TLS', () => {
    expect(
      tlsOptionsFor(
        'telco-a',
        {
          host: 'smsc.telco.example',
          tls: {
            caFile: '/etc/ca.pem',
            certFile: '/c.pem',
            keyFile: '/k.pem',
            rejectUnauthorized: true,
          },
        },
        read,
      ),
    ).toEqual({
      rejectUnauthorized: true,
      ca: Buffer.from('CA'),
      cert: Buffer.from('C'),
      key: Buffer.from('K'),
      servername: 'smsc.telco.example',
    });
  });

  it('sends no SNI for an IP address unless told a name', () => {
    expect(
      tlsOptionsFor('t', { host: '10.0.0.1', tls: { rejectUnauthorized: true } }, read),
    ).toEqual({ rejectUnauthorized: true });
  });

  it('stops the boot naming the key when a file cannot be read', () => {
    expect(() =>
      tlsOptionsFor(
        'telco-a',
        { host: 'h', tls: { caFile: '/nope', rejectUnauthorized: true } },
        read,
      ),
    ).toThrow(/carriers\[telco-a\]\.smpp\.tls\.caFile: cannot read \/nope/);
  });
});

describe(createEsmeClient.name, () => {
  it('turns settings a bind cannot carry into a ConfigError naming the carrier', () => {
    const longPassword: SmppCarrier = {
      ...carrier,
      settings: { ...carrier.settings, password: 'much-too-long' },
    };
    expect(() => createEsmeClient(longPassword, 'transceiver', {}, {})).toThrow(
      /carriers\[telco-a\]\.smpp: password is longer than 8 characters/,
    );
  });
});
