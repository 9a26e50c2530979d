import { ConfigError, parseEnv } from '@tuxhat/config';
import { resolveDlrOptions } from '@tuxhat/dlr';

import { dlrEnvSchema, dlrOptionsFromEnv } from './dlr.config';

describe(dlrOptionsFromEnv.name, () => {
  it('passes on what is set and leaves the rest to the service defaults', () => {
    const options = resolveDlrOptions(
      dlrOptionsFromEnv(
        parseEnv(dlrEnvSchema, {
          DLR_EXPIRY_STATUS: 'expired',
          DLR_WEBHOOK_TIMEOUT_MS: '2500',
          DLR_OPT_OUT_KEYWORDS: 'stop, stopall',
        }),
      ),
    );
    expect(options.expiryStatus).toBe('expired');
    expect(options.webhook.timeoutMs).toBe(2_500);
    expect(options.webhook.perTenantConcurrency).toBe(64);
    expect(options.optOutKeywords).toEqual(['STOP', 'STOPALL']);
    expect(options.defaultValidityMs).toBe(48 * 3_600_000);
    expect(options.messageRetentionMs).toBeNull();
  });

  it('turns MESSAGE_RETENTION_DAYS into the retention in milliseconds', () => {
    const options = resolveDlrOptions(
      dlrOptionsFromEnv(parseEnv(dlrEnvSchema, { MESSAGE_RETENTION_DAYS: '30' })),
    );
    expect(options.messageRetentionMs).toBe(30 * 86_400_000);
  });

  it('refuses a retention shorter than a Kafka redelivery may come', () => {
    expect(() => parseEnv(dlrEnvSchema, { MESSAGE_RETENTION_DAYS: '7' })).toThrow(
      /MESSAGE_RETENTION_DAYS/,
    );
    expect(() => resolveDlrOptions({ messageRetentionDays: 7 })).toThrow(/messageRetentionDays/);
    expect(() => resolveDlrOptions({ messageRetentionDays: 36_501 })).toThrow(
      /messageRetentionDays/,
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => parseEnv(dlrEnvSchema, { DLR_EXPIRY_STATUS: 'gone' })).toThrow(ConfigError);
    expect(() => parseEnv(dlrEnvSchema, { DLR_EXPIRY_STATUS: 'gone' })).toThrow(
      /DLR_EXPIRY_STATUS/,
    );
    expect(() => resolveDlrOptions({ webhook: { timeoutMs: 5 } })).toThrow(/webhook\.timeoutMs/);
  });
});
