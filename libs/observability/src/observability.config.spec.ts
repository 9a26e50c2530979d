import { loggerOptionsFromEnv, readObservabilityEnv, serviceNameOf } from './observability.config';

describe(serviceNameOf.name, () => {
  it.each([
    ['/app/dist/apps/smpp-connector/src/main.js', 'smpp-connector'],
    ['apps/gateway/src/main.ts', 'gateway'],
    ['/app/dist/scripts/db/migrate.js', 'migrate'],
    [undefined, 'tuxhat'],
  ])('%s -> %s', (entry, expected) => {
    expect(serviceNameOf(entry)).toBe(expected);
  });
});

describe(readObservabilityEnv.name, () => {
  it('has defaults for everything and names a bad variable', () => {
    expect(readObservabilityEnv({})).toMatchObject({
      OPS_ENABLED: true,
      OPS_PORT: 9464,
      METRICS_TENANT_LABEL: true,
      LOG_REDACT: true,
    });
    expect(() => readObservabilityEnv({ OPS_PORT: '70000' })).toThrow(/OPS_PORT/);
    expect(() => readObservabilityEnv({ LOG_REDACT: 'maybe' })).toThrow(/LOG_REDACT/);
  });

  it('gives the logger defaults when a value is bad (the preload already refused it)', () => {
    expect(loggerOptionsFromEnv('dlr', { LOG_LEVEL: 'loud' })).toEqual({
      service: 'dlr',
      level: 'log',
      format: 'json',
      redact: true,
    });
  });
});
