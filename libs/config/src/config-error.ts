import type { z } from 'zod';

/**
 * A configuration mistake. Thrown at boot, it stops the process with a message naming every
 * offending key (`carriers[0].smpp.host: required`), never a stack trace to decode.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  static fromZod(source: string, error: z.ZodError, pathPrefix = ''): ConfigError {
    return new ConfigError(
      source,
      error.issues.map((issue) => {
        const path = formatPath(issue.path);
        const key = pathPrefix + path;
        if (issue.code === 'unrecognized_keys') {
          return issue.keys
            .map((unknown) => `${key ? `${key}.` : ''}${unknown}: unknown key`)
            .join('; ');
        }
        if (issue.code === 'invalid_type' && issue.input === undefined) return `${key}: required`;
        return `${key || '(root)'}: ${issue.message}`;
      }),
    );
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out ? `${out}.${String(segment)}` : String(segment);
  }, '');
}
