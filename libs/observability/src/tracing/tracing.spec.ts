import { exportersFromEnv, samplerFor } from './tracing';

describe(exportersFromEnv.name, () => {
  it('exports nothing by default', () => {
    expect(exportersFromEnv({})).toEqual({ names: ['none'], processors: [] });
  });

  it('exports over OTLP once an endpoint is configured', () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' },
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' },
      { OTEL_TRACES_EXPORTER: 'otlp' },
    ]) {
      const { names, processors } = exportersFromEnv(env);
      expect(names).toEqual(['otlp']);
      expect(processors.map((processor) => processor.constructor.name)).toEqual([
        'BatchSpanProcessor',
      ]);
    }
  });

  it('follows OTEL_TRACES_EXPORTER: console, none, and refuses what it does not know', () => {
    expect(exportersFromEnv({ OTEL_TRACES_EXPORTER: 'console' }).names).toEqual(['console']);
    expect(
      exportersFromEnv({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' }),
    ).toEqual({ names: ['none'], processors: [] });
    expect(() => exportersFromEnv({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      'OTEL_TRACES_EXPORTER: unknown exporter "jaeger"',
    );
  });
});

describe(samplerFor.name, () => {
  it('records nothing unsampled when nothing exports, unless OTEL_TRACES_SAMPLER says otherwise', () => {
    expect(samplerFor([], {})?.toString()).toBe(
      'ParentBased{root=AlwaysOffSampler, remoteParentSampled=AlwaysOnSampler, remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, localParentNotSampled=AlwaysOffSampler}',
    );
    expect(samplerFor([], { OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(samplerFor(exportersFromEnv({ OTEL_TRACES_EXPORTER: 'console' }).processors, {})).toBe(
      undefined,
    );
  });
});
