import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { ConfigError, envTypes, parseEnv } from '@tuxhat/config';
import type { KafkaConnectionOptions } from '@tuxhat/messaging';
import { z } from 'zod';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * How a process reaches Kafka: every service in cluster mode and the topics script read these.
 * The SASL password is a secret: KAFKA_SASL_PASSWORD, or KAFKA_SASL_PASSWORD_FILE naming a
 * mounted secret (never both). With KAFKA_SSL=true, the KAFKA_SSL_*_FILE keys name PEM files read
 * at boot: the CA bundle trusted for the brokers (instead of the system's and
 * NODE_EXTRA_CA_CERTS) and the client certificate with its key (mutual TLS: the brokers then see
 * the process as User:CN=<its subject>).
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
  /** PEM bundle of the CAs trusted for the brokers; unset: the system's and NODE_EXTRA_CA_CERTS. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** The client certificate (PEM, optionally followed by its intermediates); with KAFKA_SSL_KEY_FILE. */
  KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  /** The client certificate's private key (PEM); with KAFKA_SSL_CERT_FILE. */
  KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  /** The password of an encrypted KAFKA_SSL_KEY_FILE (a file, as the key is). */
  KAFKA_SSL_KEY_PASSWORD_FILE: z.string().min(1).optional(),
});

export type KafkaEnv = z.infer<typeof kafkaEnvSchema>;

/**
 * The client's connection options from the Kafka environment (already parsed, e.g. as part of a
 * larger schema). Reads the password and TLS files. Throws a ConfigError naming every
 * inconsistent key: a mechanism without a username or password, a username or password without a
 * mechanism, both KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE, a KAFKA_SSL_*_FILE without
 * KAFKA_SSL=true, a certificate without its key (or the reverse), a file that cannot be read, is
 * empty or does not hold what its key says, a key that does not match the certificate or that
 * its password does not open.
 */
export function kafkaConnectionOptions(env: KafkaEnv, clientId: string): KafkaConnectionOptions {
  const problems: string[] = [];
  const sasl = saslOptions(env, problems);
  const ssl = sslOptions(env, problems);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return { brokers: env.KAFKA_BROKERS, clientId, ssl, ...(sasl ? { sasl } : {}) };
}

function saslOptions(env: KafkaEnv, problems: string[]): KafkaConnectionOptions['sasl'] {
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
    return undefined;
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
    password = readPasswordFile('KAFKA_SASL_PASSWORD_FILE', env.KAFKA_SASL_PASSWORD_FILE, problems);
  }
  if (env.KAFKA_SASL_USERNAME === undefined || password === undefined) return undefined;
  return { mechanism, username: env.KAFKA_SASL_USERNAME, password };
}

const SSL_FILE_KEYS = [
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SSL_KEY_PASSWORD_FILE',
] as const;

/** Every key naming a credential file (read at boot; KafkaCredentialFiles reads them again). */
export const KAFKA_CREDENTIAL_FILE_KEYS = [...SSL_FILE_KEYS, 'KAFKA_SASL_PASSWORD_FILE'] as const;

/**
 * true (TLS trusting the system's CAs and NODE_EXTRA_CA_CERTS), false, or the TLS options built
 * from the KAFKA_SSL_*_FILE keys. A key or certificate that is wrong is found here, at boot, with
 * the key named, rather than as a handshake failure against every broker.
 */
function sslOptions(env: KafkaEnv, problems: string[]): KafkaConnectionOptions['ssl'] {
  const given = SSL_FILE_KEYS.filter((key) => env[key] !== undefined);
  if (given.length === 0) return env.KAFKA_SSL;
  if (!env.KAFKA_SSL) {
    for (const key of given) {
      problems.push(`${key}: set without KAFKA_SSL=true (the files are used only over TLS)`);
    }
    return undefined;
  }
  const hasCert = env.KAFKA_SSL_CERT_FILE !== undefined;
  const hasKey = env.KAFKA_SSL_KEY_FILE !== undefined;
  if (hasCert && !hasKey) {
    problems.push(
      'KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE (the key of the certificate)',
    );
  }
  if (hasKey && !hasCert) {
    problems.push(
      'KAFKA_SSL_CERT_FILE: required with KAFKA_SSL_KEY_FILE (the certificate of the key)',
    );
  }
  if (env.KAFKA_SSL_KEY_PASSWORD_FILE !== undefined && !hasKey) {
    problems.push('KAFKA_SSL_KEY_PASSWORD_FILE: set without KAFKA_SSL_KEY_FILE');
  }
  const ca = readPemFile('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE, 'CERTIFICATE', problems);
  const cert = readPemFile('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE, 'CERTIFICATE', problems);
  const key = readPemFile('KAFKA_SSL_KEY_FILE', env.KAFKA_SSL_KEY_FILE, 'PRIVATE KEY', problems);
  const passphrase =
    env.KAFKA_SSL_KEY_PASSWORD_FILE === undefined
      ? undefined
      : readPasswordFile('KAFKA_SSL_KEY_PASSWORD_FILE', env.KAFKA_SSL_KEY_PASSWORD_FILE, problems);
  if (cert !== undefined && key !== undefined) checkKeyPair(cert, key, passphrase, env, problems);
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined ? { cert } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
  };
}

/** The key opens (with its password, if any) and belongs to the certificate (the first in the file). */
function checkKeyPair(
  cert: string,
  key: string,
  passphrase: string | undefined,
  env: KafkaEnv,
  problems: string[],
): void {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key, ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (error) {
    const encrypted = /ENCRYPTED/.test(key);
    problems.push(
      encrypted && passphrase === undefined
        ? `KAFKA_SSL_KEY_FILE: ${env.KAFKA_SSL_KEY_FILE} is encrypted: give its password in KAFKA_SSL_KEY_PASSWORD_FILE`
        : encrypted
          ? `KAFKA_SSL_KEY_PASSWORD_FILE: does not open ${env.KAFKA_SSL_KEY_FILE} (wrong password)`
          : `KAFKA_SSL_KEY_FILE: ${env.KAFKA_SSL_KEY_FILE} is not a private key node can read (${errorCode(error)})`,
    );
    return;
  }
  let certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    problems.push(
      `KAFKA_SSL_CERT_FILE: ${env.KAFKA_SSL_CERT_FILE} is not a certificate node can read (${errorCode(error)})`,
    );
    return;
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    problems.push(
      `KAFKA_SSL_KEY_FILE: ${env.KAFKA_SSL_KEY_FILE} is not the key of the certificate in KAFKA_SSL_CERT_FILE (${certificate.subject.replace(/\n/g, ', ')})`,
    );
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unreadable';
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
function readPasswordFile(key: string, file: string, problems: string[]): string | undefined {
  const content = readFile(key, file, problems);
  if (content === undefined) return undefined;
  const password = content.replace(/\r?\n$/, '');
  if (password === '') {
    problems.push(`${key}: ${file} is empty`);
    return undefined;
  }
  return password;
}

/**
 * A PEM file holding at least one `-----BEGIN <label>-----` block (any label ending so: a key's
 * is PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY). Its content never goes
 * into a problem: a key file given where a certificate was expected must not reach a log.
 */
function readPemFile(
  key: string,
  file: string | undefined,
  label: 'CERTIFICATE' | 'PRIVATE KEY',
  problems: string[],
): string | undefined {
  if (file === undefined) return undefined;
  const content = readFile(key, file, problems);
  if (content === undefined) return undefined;
  if (content.trim() === '') {
    problems.push(`${key}: ${file} is empty`);
    return undefined;
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(content)) {
    problems.push(`${key}: ${file} holds no PEM ${label} (-----BEGIN ...${label}-----)`);
    return undefined;
  }
  return content;
}

function readFile(key: string, file: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${key}: cannot read ${file} (${errorCode(error)})`);
    return undefined;
  }
}
