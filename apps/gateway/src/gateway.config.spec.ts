import { ConfigError } from '@tuxhat/config';
import { DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS } from '@tuxhat/messaging';

import { readGatewayEnv } from './gateway.config';

describe(readGatewayEnv.name, () => {
  it.each([
    ['BUS_ACKNOWLEDGEMENT_TIMEOUT_MS', DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS, '2500', 2_500],
    ['BUS_BACKLOG_LIMIT', 100_000, '5000', 5_000],
    ['CARRIER_HEALTH_MIN_SUBMITS', 10, '25', 25],
    ['CARRIER_HEALTH_FAULT_RATIO', 0.5, '0.8', 0.8],
  ] as const)('gives %s its default (%d), or the value set', (key, fallback, set, value) => {
    expect(readGatewayEnv({})[key]).toBe(fallback);
    expect(readGatewayEnv({ [key]: set })[key]).toBe(value);
  });

  it.each(['MESSAGE_RETENTION_DAYS', 'ACCOUNTING_RETENTION_DAYS'] as const)(
    'keeps everything for ever unless %s is set',
    (key) => {
      expect(readGatewayEnv({})[key]).toBeUndefined();
      expect(readGatewayEnv({ [key]: '90' })[key]).toBe(90);
    },
  );

  it.each([
    ...['0', '99', '60001', '1.5', 'soon'].map((value) => [
      'BUS_ACKNOWLEDGEMENT_TIMEOUT_MS',
      value,
    ]),
    ...['0', '9', '10000001', '1.5', 'lots'].map((value) => ['BUS_BACKLOG_LIMIT', value]),
    ...['7', '0', '36501', '30.5', 'forever'].flatMap((value) => [
      ['MESSAGE_RETENTION_DAYS', value],
      ['ACCOUNTING_RETENTION_DAYS', value],
    ]),
  ])('refuses %s=%s, naming the key', (key, value) => {
    const read = () => readGatewayEnv({ [key]: value });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(key));
  });
});
