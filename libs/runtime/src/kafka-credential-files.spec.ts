import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, parseEnv } from '@tuxhat/config';
import { processMetrics } from '@tuxhat/observability';
import { TestCa, type TestCertificate } from '@tuxhat/testing';

import { kafkaEnvSchema } from './kafka-connection';
import { KafkaCredentialFiles } from './kafka-credential-files';

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    log: (line: string) => void lines.push(`log ${line}`),
    warn: (line: string) => void lines.push(`warn ${line}`),
  };
}

describe(KafkaCredentialFiles.name, () => {
  let ca: TestCa;
  let dir: string;
  let first: TestCertificate;
  let renewed: TestCertificate;
  const file = (name: string) => join(dir, name);

  /** The mounted Secret's files, written as a renewal would leave them. */
  function mount(files: { cert?: string; key?: string; password?: string }): void {
    if (files.cert !== undefined) writeFileSync(file('tls.crt'), files.cert);
    if (files.key !== undefined) writeFileSync(file('tls.key'), files.key);
    if (files.password !== undefined) writeFileSync(file('password'), `${files.password}\n`);
  }

  function watched(logger = recordingLogger()) {
    const env = parseEnv(kafkaEnvSchema, {
      KAFKA_BROKERS: 'kafka:9093',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca.ca.certFile,
      KAFKA_SSL_CERT_FILE: file('tls.crt'),
      KAFKA_SSL_KEY_FILE: file('tls.key'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'tuxhat',
      KAFKA_SASL_PASSWORD_FILE: file('password'),
    });
    return { files: new KafkaCredentialFiles(env, 'test', { intervalMs: 0, logger }), logger };
  }

  /** What kafkajs hands tls.connect and the SASL handshake for a new connection. */
  function nextConnection(files: KafkaCredentialFiles) {
    const ssl = files.options.ssl;
    if (typeof ssl !== 'object') throw new Error('expected TLS options');
    const tls = Object.assign({ host: 'kafka', port: 9093 }, ssl);
    return { cert: tls.cert, key: tls.key, ca: tls.ca, password: files.options.sasl?.password };
  }

  beforeAll(() => {
    ca = TestCa.create('credential-files-ca');
    first = ca.client('gateway');
    renewed = ca.client('gateway');
  });
  afterAll(() => ca.dispose());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-credentials-'));
    mount({ cert: first.cert, key: first.key, password: 'first-password' });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives new connections the renewed certificate and password once the files change', () => {
    const { files, logger } = watched();
    expect(nextConnection(files)).toEqual({
      cert: first.cert,
      key: first.key,
      ca: ca.ca.cert,
      password: 'first-password',
    });
    expect(files.check()).toBe('unchanged');

    mount({ cert: renewed.cert, key: renewed.key, password: 'renewed-password' });
    expect(files.check()).toBe('reloaded');
    expect(nextConnection(files)).toEqual({
      cert: renewed.cert,
      key: renewed.key,
      ca: ca.ca.cert,
      password: 'renewed-password',
    });
    expect(files.check()).toBe('unchanged');
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^log Kafka credentials reloaded for new connections: client certificate CN=gateway, valid until \d{4}-/,
      ),
    ]);
    expect(logger.lines.join('\n')).not.toMatch(/renewed-password|PRIVATE KEY/);
  });

  it('keeps the current set while the files disagree (a Secret caught mid-update), and warns once', () => {
    const { files, logger } = watched();
    mount({ cert: renewed.cert }); // the new certificate, the old key still there
    expect(files.check()).toBe('rejected');
    expect(files.check()).toBe('rejected');
    expect(nextConnection(files)).toMatchObject({ cert: first.cert, key: first.key });
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /^warn Kafka credential files changed but are not usable, the current ones stay: KAFKA_SSL_KEY_FILE: .* is not the key of the certificate/,
      ),
    ]);

    mount({ key: renewed.key });
    expect(files.check()).toBe('reloaded');
    expect(nextConnection(files)).toMatchObject({ cert: renewed.cert, key: renewed.key });
  });

  it('keeps the current password when its file is emptied', () => {
    const { files, logger } = watched();
    mount({ password: '' });
    expect(files.check()).toBe('rejected');
    expect(nextConnection(files).password).toBe('first-password');
    expect(logger.lines).toEqual([
      expect.stringMatching(/^warn .*KAFKA_SASL_PASSWORD_FILE: .* is empty$/),
    ]);
  });

  it('stops the boot naming the key when the files are unusable from the start', () => {
    mount({ key: renewed.key });
    expect(() => watched()).toThrow(ConfigError);
    expect(() => watched()).toThrow(/KAFKA_SSL_KEY_FILE: .* is not the key of the certificate/);
  });

  it('exposes when the client certificate expires, the renewed one once taken up', async () => {
    const expiry = (pem: string) => Date.parse(new X509Certificate(pem).validTo) / 1000;
    const exposed = async () =>
      Number(
        (await processMetrics().render()).match(
          /^tuxhat_tls_certificate_expiry_timestamp_seconds\{certificate="kafka_client"\} (\d+)$/m,
        )?.[1],
      );
    const { files } = watched();
    expect(await exposed()).toBe(expiry(first.cert));
    const longer = ca.server('gateway', 30); // valid longer than `first`, so the figure moves
    mount({ cert: longer.cert, key: longer.key });
    expect(files.check()).toBe('reloaded');
    expect(await exposed()).toBe(expiry(longer.cert));
  });
});
