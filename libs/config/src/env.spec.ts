import { z } from 'zod';

import { ConfigError } from './config-error';
import { envTypes, parseEnv } from './env';

describe(parseEnv.name, () => {
  const schema = z.object({
    HTTP_PORT: envTypes.port(3000),
    KAFKA_BROKERS: envTypes.list(),
    OTEL_ENABLED: envTypes.boolean(false),
  });

  it('coerces and defaults', () => {
    expect(parseEnv(schema, { KAFKA_BROKERS: 'a:9092, b:9092' })).toEqual({
      HTTP_PORT: 3000,
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
      OTEL_ENABLED: false,
    });
  });

  it('names every bad variable', () => {
    try {
      parseEnv(schema, { HTTP_PORT: 'eighty', OTEL_ENABLED: 'yes' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^HTTP_PORT: /m);
      expect(problems).toMatch(/^KAFKA_BROKERS: required/m);
      expect(problems).toMatch(/^OTEL_ENABLED: /m);
    }
  });

  it('keeps an unset optional boolean unset, so the caller can decide', () => {
    const optional = z.object({ SIMULATOR: envTypes.optionalBoolean() });
    expect(parseEnv(optional, {})).toEqual({ SIMULATOR: undefined });
    expect(parseEnv(optional, { SIMULATOR: 'false' })).toEqual({ SIMULATOR: false });
    expect(parseEnv(optional, { SIMULATOR: '1' })).toEqual({ SIMULATOR: true });
  });

  it('reads JSON variables against their schema, naming the variable when they do not fit', () => {
    const json = z.object({
      COUNTS: envTypes.json(z.record(z.string(), z.int().min(1))).optional(),
    });
    expect(parseEnv(json, { COUNTS: '{"a": 3}' })).toEqual({ COUNTS: { a: 3 } });
    expect(() => parseEnv(json, { COUNTS: '{a: 3}' })).toThrow(/COUNTS: not valid JSON/);
    expect(() => parseEnv(json, { COUNTS: '{"a": 0}' })).toThrow(/COUNTS\.a: /);
  });
});
