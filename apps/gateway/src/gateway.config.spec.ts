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
});
