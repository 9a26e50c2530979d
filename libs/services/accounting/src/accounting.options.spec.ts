import { ConfigError, parseEnv } from '@tuxhat/config';
import { DAY_MS, type ServiceRuntime, accountingRetentionEnvSchema } from '@tuxhat/runtime';

import { AccountingModule } from './accounting.module';
import { recordRetentionMs } from './accounting.options';

describe(recordRetentionMs.name, () => {
  it('turns the retention into milliseconds; null (for ever) when unset', () => {
    expect(recordRetentionMs({ currency: 'EUR' })).toBeNull();
    expect(recordRetentionMs({ currency: 'EUR', recordRetentionDays: 400 })).toBe(400 * DAY_MS);
  });

  it.each([7, 0, 1.5, 36_501])('refuses recordRetentionDays %d, naming the option', (days) => {
    const resolve = () => recordRetentionMs({ currency: 'EUR', recordRetentionDays: days });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(/recordRetentionDays/);
  });

  it('stops the module before it is built', () => {
    // Nothing of the runtime is touched before the check.
    const runtime = {} as ServiceRuntime;
    expect(() =>
      AccountingModule.forRoot(runtime, { currency: 'EUR', recordRetentionDays: 7 }),
    ).toThrow(/recordRetentionDays/);
  });
});

// apps/accounting reads it with this schema and passes it on as recordRetentionDays.
describe('ACCOUNTING_RETENTION_DAYS', () => {
  it('is a whole number of days, unset by default', () => {
    expect(parseEnv(accountingRetentionEnvSchema, {}).ACCOUNTING_RETENTION_DAYS).toBeUndefined();
    const env = { ACCOUNTING_RETENTION_DAYS: '400' };
    expect(parseEnv(accountingRetentionEnvSchema, env).ACCOUNTING_RETENTION_DAYS).toBe(400);
  });

  it.each(['7', '1.5', 'year'])('refuses %s, naming the key', (value) => {
    const read = () => parseEnv(accountingRetentionEnvSchema, { ACCOUNTING_RETENTION_DAYS: value });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/ACCOUNTING_RETENTION_DAYS/);
  });
});
