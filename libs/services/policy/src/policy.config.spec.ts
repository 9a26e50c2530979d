import { ConfigError } from '@tuxhat/config';
import { DAY_MS } from '@tuxhat/runtime';

import { policyOptionsFromEnv } from './policy.config';
import { resolvePolicyOptions } from './policy.options';

describe(policyOptionsFromEnv.name, () => {
  it('reads MESSAGE_RETENTION_DAYS, unset by default (reservations kept for ever)', () => {
    expect(policyOptionsFromEnv({}).messageRetentionDays).toBeUndefined();
    expect(policyOptionsFromEnv({ MESSAGE_RETENTION_DAYS: '30' }).messageRetentionDays).toBe(30);
  });

  it.each(['7', '0', '-1', '1.5', '36501', 'month'])(
    'refuses MESSAGE_RETENTION_DAYS=%s, naming the key',
    (value) => {
      const read = () => policyOptionsFromEnv({ MESSAGE_RETENTION_DAYS: value });
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/MESSAGE_RETENTION_DAYS/);
    },
  );
});

describe(resolvePolicyOptions.name, () => {
  it('turns the retention into milliseconds; null (for ever) when unset', () => {
    expect(resolvePolicyOptions({}).messageRetentionMs).toBeNull();
    expect(resolvePolicyOptions({ messageRetentionDays: 8 }).messageRetentionMs).toBe(8 * DAY_MS);
  });

  it.each([7, 0, 2.5, 36_501])('refuses messageRetentionDays %d, naming the option', (days) => {
    const resolve = () => resolvePolicyOptions({ messageRetentionDays: days });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(/messageRetentionDays/);
  });
});
