import { ConfigError } from '@tuxhat/config';

import { createEsmeClient, esmeClientOptionsFor } from './esme-client.factory';
import type { SmppCarrier } from './smpp-carrier.repository';

const carrier: SmppCarrier = {
  id: 'telco-a',
  name: 'Telco A',
  settings: {
    host: '10.0.0.1',
    port: 2775,
    systemId: 'tuxhat',
    password: { env: 'TELCO_A_PASSWORD' },
    systemType: '',
    bindMode: 'transceiver',
    windowSize: 20,
    enquireLinkSeconds: 30,
    responseTimeoutMs: 8_000,
  },
};

describe(esmeClientOptionsFor.name, () => {
  it('maps the carrier settings and resolves the password from the environment', () => {
    expect(esmeClientOptionsFor(carrier, {}, { TELCO_A_PASSWORD: 's3cret' })).toEqual({
      host: '10.0.0.1',
      port: 2775,
      systemId: 'tuxhat',
      password: 's3cret',
      systemType: '',
      bindType: 'transceiver',
      windowSize: 20,
      responseTimeoutMs: 8_000,
      connectTimeoutMs: 8_000,
      enquireLinkIntervalMs: 30_000,
    });
  });

  it('names the key, never a value, when the password variable is unset', () => {
    expect(() => esmeClientOptionsFor(carrier, {}, {})).toThrow(ConfigError);
    expect(() => esmeClientOptionsFor(carrier, {}, {})).toThrow(
      /carriers\[telco-a\]\.smpp\.password.*TELCO_A_PASSWORD/,
    );
  });
});

describe(createEsmeClient.name, () => {
  it('turns settings a bind cannot carry into a ConfigError naming the carrier', () => {
    const longPassword: SmppCarrier = {
      ...carrier,
      settings: { ...carrier.settings, password: 'much-too-long' },
    };
    expect(() => createEsmeClient(longPassword, {}, {})).toThrow(
      /carriers\[telco-a\]\.smpp: password is longer than 8 characters/,
    );
  });
});
