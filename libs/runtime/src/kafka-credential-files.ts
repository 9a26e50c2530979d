import { createHash, X509Certificate } from 'node:crypto';

import { ConfigError } from '@tuxhat/config';
import type { KafkaConnectionOptions } from '@tuxhat/messaging';
import { METRICS, processMetrics } from '@tuxhat/observability';

import {
  KAFKA_CREDENTIAL_FILE_KEYS,
  type KafkaEnv,
  kafkaConnectionOptions,
} from './kafka-connection';
import { PeriodicSweep } from './periodic-sweep';

/** What a check of the files found. */
export type CredentialCheck = 'unchanged' | 'reloaded' | 'rejected';

export interface KafkaCredentialFilesOptions {
  /** How often the files are read again (ms); 0: never (the boot-time copy stays). */
  readonly intervalMs: number;
  readonly logger: { log(message: string): void; warn(message: string): void };
}

/**
 * The Kafka connection of a long-running process, whose credential files (KAFKA_SSL_*_FILE,
 * KAFKA_SASL_PASSWORD_FILE) are read again while it runs: cert-manager and Strimzi renew client
 * certificates and passwords in the mounted Secret, and a process that kept its boot-time copy
 * would fail every new connection once the old certificate expired or the old password went.
 *
 * `options` is handed to the Kafka client once; its `ssl` and `sasl` objects read the current
 * files' content through getters, and kafkajs copies their fields anew for every connection it
 * opens (tls.connect, the SASL handshake). Open connections keep their session. A complete,
 * consistent new set (every file readable, the key opening and matching its certificate, as
 * checked at boot) replaces the current one; an inconsistent one (a Secret caught between its
 * files' updates) changes nothing, is logged naming the key, and is read again next time.
 */
export class KafkaCredentialFiles {
  readonly options: KafkaConnectionOptions;
  private current: KafkaConnectionOptions;
  private fingerprint: string;
  /** The last set refused, so a Secret left inconsistent is warned about once, not every check. */
  private refused: string | null = null;
  private readonly sweep: PeriodicSweep<CredentialCheck> | null;

  /** Reads and checks the files: a problem throws a ConfigError naming the key, as at boot. */
  constructor(
    private readonly env: KafkaEnv,
    private readonly clientId: string,
    private readonly settings: KafkaCredentialFilesOptions,
  ) {
    this.current = kafkaConnectionOptions(env, clientId);
    this.fingerprint = fingerprintOf(this.current);
    recordExpiry(this.current);
    this.options = {
      ...this.current,
      ...(typeof this.current.ssl === 'object' ? { ssl: this.live(this.current.ssl, 'ssl') } : {}),
      ...(this.current.sasl ? { sasl: this.live(this.current.sasl, 'sasl') } : {}),
    };
    this.sweep =
      settings.intervalMs > 0 && watchesFiles(env)
        ? new PeriodicSweep({
            run: () => Promise.resolve(this.check()),
            intervalMs: settings.intervalMs,
            logger: settings.logger,
            failureMessage: 'reading the Kafka credential files again failed',
          })
        : null;
  }

  /** Starts reading the files every intervalMs (nothing to do when none is given). */
  start(): void {
    this.sweep?.start();
  }

  async stop(): Promise<void> {
    await this.sweep?.stop();
  }

  /** Reads the files now; what is new and consistent applies to the next connection. */
  check(): CredentialCheck {
    let next: KafkaConnectionOptions;
    try {
      next = kafkaConnectionOptions(this.env, this.clientId);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = error.problems.join('; ');
      if (problems !== this.refused) {
        this.refused = problems;
        this.settings.logger.warn(
          `Kafka credential files changed but are not usable, the current ones stay: ${problems}`,
        );
      }
      return 'rejected';
    }
    this.refused = null;
    const fingerprint = fingerprintOf(next);
    if (fingerprint === this.fingerprint) return 'unchanged';
    this.current = next;
    this.fingerprint = fingerprint;
    recordExpiry(next);
    this.settings.logger.log(`Kafka credentials reloaded for new connections${describe(next)}`);
    return 'reloaded';
  }

  /** The given object's fields, each read from the current options when asked. */
  private live<K extends 'ssl' | 'sasl'>(
    initial: object,
    part: K,
  ): Exclude<KafkaConnectionOptions[K], boolean | undefined> {
    const live = {};
    for (const field of Object.keys(initial)) {
      Object.defineProperty(live, field, {
        enumerable: true, // copied by kafkajs's Object.assign into tls.connect's options
        get: () => (this.current[part] as Record<string, unknown> | undefined)?.[field],
      });
    }
    return live as Exclude<KafkaConnectionOptions[K], boolean | undefined>;
  }
}

/** Whether any credential comes from a file (a password in the environment never changes). */
function watchesFiles(env: KafkaEnv): boolean {
  return KAFKA_CREDENTIAL_FILE_KEYS.some((key) => env[key] !== undefined);
}

/** A digest of the credentials, to tell a change (kept in memory only, never logged). */
function fingerprintOf(options: KafkaConnectionOptions): string {
  const ssl = typeof options.ssl === 'object' ? options.ssl : {};
  return createHash('sha256')
    .update(JSON.stringify([ssl.ca, ssl.cert, ssl.key, ssl.passphrase, options.sasl?.password]))
    .digest('hex');
}

function clientCertificateOf(options: KafkaConnectionOptions): X509Certificate | undefined {
  const cert = typeof options.ssl === 'object' ? options.ssl.cert : undefined;
  return cert === undefined ? undefined : new X509Certificate(cert);
}

/** The client certificate's end of validity, for expiry alerts (none without one). */
function recordExpiry(options: KafkaConnectionOptions): void {
  const certificate = clientCertificateOf(options);
  if (!certificate) return;
  const seconds = Math.floor(Date.parse(certificate.validTo) / 1000);
  processMetrics().set(METRICS.tlsCertificateExpiry, { certificate: 'kafka_client' }, seconds);
}

/** The client certificate's subject and end of validity, for the log (no secret in either). */
function describe(options: KafkaConnectionOptions): string {
  const certificate = clientCertificateOf(options);
  if (!certificate) return '';
  return `: client certificate ${certificate.subject.replace(/\n/g, ', ')}, valid until ${new Date(certificate.validTo).toISOString()}`;
}
