import { ConfigError } from '@tuxhat/config';
import { DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS } from '@tuxhat/messaging';

import { readGatewayEnv } from './gateway.config';

describe(readGatewayEnv.name, () => {
  it('gives the bus acknowledgement timeout its default, or the value set', () => {
    expect(readGatewayEnv({}).BUS_ACKNOWLEDGEMENT_TIMEOUT_MS).toBe(
      DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS,
    );
    expect(
      readGatewayEnv({ BUS_ACKNOWLEDGEMENT_TIMEOUT_MS: '2500' }).BUS_ACKNOWLEDGEMENT_TIMEOUT_MS,
    ).toBe(2_500);
  });

  it.each(['0', '99', '60001', '1.5', 'soon'])(
    'refuses BUS_ACKNOWLEDGEMENT_TIMEOUT_MS=%s, naming the key',
    (value) => {
      const read = () => readGatewayEnv({ BUS_ACKNOWLEDGEMENT_TIMEOUT_MS: value });
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/BUS_ACKNOWLEDGEMENT_TIMEOUT_MS/);
    },
  );

  it('gives the bus backlog limit its default, or the value set', () => {
    expect(readGatewayEnv({}).BUS_BACKLOG_LIMIT).toBe(100_000);
    expect(readGatewayEnv({ BUS_BACKLOG_LIMIT: '5000' }).BUS_BACKLOG_LIMIT).toBe(5_000);
  });

  it.each(['0', '9', '10000001', '1.5', 'lots'])(
    'refuses BUS_BACKLOG_LIMIT=%s, naming the key',
    (value) => {
      const read = () => readGatewayEnv({ BUS_BACKLOG_LIMIT: value });
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/BUS_BACKLOG_LIMIT/);
    },
  );
});
