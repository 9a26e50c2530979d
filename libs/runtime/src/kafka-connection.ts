import { readFileSync } from 'node:fs';

import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import type { KafkaConnectionOptions } from '@tuxhat/messaging';
import { z } from 'zod';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * How a process reaches Kafka: every service in cluster mode and the topics script read these.
 * The SASL password is a secret: KAFKA_SASL_PASSWORD, or KAFKA_SASL_PASSWORD_FILE naming a
 * mounted secret (never both).
 */
export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: envTypes.list(),
  KAFKA_SSL: envTypes.boolean(false),
  /** Case does not matter: SCRAM-SHA-512 (Kafka's spelling) is scram-sha-512. */
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(KAFKA_SASL_MECHANISMS))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
});

export type KafkaEnv = z.infer<typeof kafkaEnvSchema>;

/**
 * The client's connection options from the Kafka environment (already parsed, e.g. as part of a
 * larger schema). Reads the password file. Throws a ConfigError naming every inconsistent key:
 * a mechanism without a username or password, a username or password without a mechanism, both
 * KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE, a password file that cannot be read or is
 * empty.
 */
export function kafkaConnectionOptions(env: KafkaEnv, clientId: string): KafkaConnectionOptions {
  const options = { brokers: env.KAFKA_BROKERS, clientId, ssl: env.KAFKA_SSL };
  const problems: string[] = [];
  const mechanism = env.KAFKA_SASL_MECHANISM;
  const hasPassword = env.KAFKA_SASL_PASSWORD !== undefined;
  const hasPasswordFile = env.KAFKA_SASL_PASSWORD_FILE !== undefined;
  if (hasPassword && hasPasswordFile) {
    problems.push(
      'KAFKA_SASL_PASSWORD_FILE: set together with KAFKA_SASL_PASSWORD (give the password one way)',
    );
  }
  if (!mechanism) {
    for (const key of [
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_PASSWORD_FILE',
    ] as const) {
      if (env[key] !== undefined) {
        problems.push(
          `${key}: set without KAFKA_SASL_MECHANISM (${KAFKA_SASL_MECHANISMS.join(' | ')})`,
        );
      }
    }
    if (problems.length > 0) throw new ConfigError('environment', problems);
    return options;
  }
  if (env.KAFKA_SASL_USERNAME === undefined) {
    problems.push(`KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=${mechanism}`);
  }
  let password = env.KAFKA_SASL_PASSWORD;
  if (!hasPassword && !hasPasswordFile) {
    problems.push(
      `KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${mechanism} (or KAFKA_SASL_PASSWORD_FILE)`,
    );
  } else if (!hasPassword && env.KAFKA_SASL_PASSWORD_FILE !== undefined) {
    password = readPasswordFile(env.KAFKA_SASL_PASSWORD_FILE, problems);
  }
  if (problems.length > 0 || env.KAFKA_SASL_USERNAME === undefined || password === undefined) {
    throw new ConfigError('environment', problems);
  }
  return { ...options, sasl: { mechanism, username: env.KAFKA_SASL_USERNAME, password } };
}

/** Parses the Kafka environment and builds the connection options in one step. */
export function kafkaConnectionFromEnv(
  clientId: string,
  env: NodeJS.ProcessEnv = process.env,
): KafkaConnectionOptions {
  return kafkaConnectionOptions(parseEnv(kafkaEnvSchema, env), clientId);
}

/**
 * A mounted secret's content without the line break a file usually ends with (a Kubernetes
 * Secret created with --from-file keeps it); other whitespace belongs to the password.
 */
function readPasswordFile(file: string, problems: string[]): string | undefined {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    problems.push(`KAFKA_SASL_PASSWORD_FILE: cannot read ${file} (${reason})`);
    return undefined;
  }
  const password = content.replace(/\r?\n$/, '');
  if (password === '') {
    problems.push(`KAFKA_SASL_PASSWORD_FILE: ${file} is empty`);
    return undefined;
  }
  return password;
}
