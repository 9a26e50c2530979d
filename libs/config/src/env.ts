import { z } from 'zod';

import { ConfigError } from './config-error';

/**
 * Validates process environment variables against a schema whose keys are the variable
 * names. Returns the typed result or throws a ConfigError naming each bad variable.
 */
export function parseEnv<Schema extends z.ZodObject>(
  schema: Schema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<Schema> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = schema.safeParse(picked);
  if (!result.success) throw ConfigError.fromZod('environment', result.error);
  return result.data;
}

/** Common env value types: env vars are strings, these coerce and check them. */
export const envTypes = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  /** A boolean whose absence means something of its own (undefined), not a default. */
  optionalBoolean: () =>
    z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1')),
  list: () =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1)),
  /** A variable holding JSON, checked against `schema` ("not valid JSON" when it is not). */
  json: <T extends z.ZodType>(schema: T) =>
    z
      .string()
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: 'not valid JSON' });
          return z.NEVER;
        }
      })
      .pipe(schema),
};
