import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoggerService } from '@nestjs/common';
import { parseEnv } from '@tuxhat/config';
import { KafkajsAdapter, type IncomingRecord } from '@tuxhat/messaging';
import { requiredTestEnv, TestCa } from '@tuxhat/testing';

import { kafkaConnectionFromEnv, kafkaEnvSchema } from './kafka-connection';
import { KafkaCredentialFiles } from './kafka-credential-files';

/** The development user of the broker's SASL listener (scripts/infra/kafka.sh). */
const USER = 'tuxhat';
const PASSWORD = 'tuxhat-secret';

/** Every line the client logs, to check that the password never is one of them. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (message: unknown) => void this.lines.push(String(message));
  error = (message: unknown) => void this.lines.push(String(message));
  warn = (message: unknown) => void this.lines.push(String(message));
}

/** Whether something accepts TCP connections at host:port. */
function listening(address: string): Promise<boolean> {
  const separator = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({
      host: address.slice(0, separator),
      port: Number(address.slice(separator + 1)),
    });
    const answer = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(2_000);
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

/** Creates a topic, sends one record to it and reads it back in a new consumer group. */
async function roundTrip(sut: KafkajsAdapter, topic: string, group: string, text: string) {
  const admin = sut.createAdmin();
  await admin.connect();
  try {
    expect(await admin.ensureTopics([{ name: topic, partitions: 1 }])).toEqual([topic]);
  } finally {
    await admin.disconnect();
  }

  const producer = sut.createProducer();
  await producer.connect();
  try {
    await producer.send([{ topic, key: 'k', value: Buffer.from(text), headers: { h: '1' } }]);
  } finally {
    await producer.disconnect();
  }

  const consumer = sut.createConsumer(group);
  const received: IncomingRecord[] = [];
  let done: () => void = () => undefined;
  const consumed = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe([topic]);
    await consumer.run(
      async (batch) => {
        received.push(...batch.records);
        await batch.commit(batch.records.at(-1)!.offset);
        done();
      },
      { partitionsConsumedConcurrently: 1 },
    );
    await consumed;
  } finally {
    await consumer.disconnect();
  }

  expect(received.map((record) => [record.key, record.value?.toString(), record.headers])).toEqual([
    ['k', text, { h: '1' }],
  ]);
}

/** Not a skip: the project's own scripts always start the broker with this listener. */
async function requireListener(variable: string, brokers: string, what: string) {
  if (!(await listening(brokers.split(',')[0]))) {
    throw new Error(
      `nothing listens on ${variable}=${brokers}: the broker was started without its ${what} ` +
        'listener (by a scripts/infra/kafka.sh older than it). Restart it: ' +
        'scripts/infra/kafka.sh stop && scripts/infra/kafka.sh start && scripts/infra/kafka.sh wait',
    );
  }
}

describe('Kafka over SASL (the project client against the broker SASL listener)', () => {
  const brokers = requiredTestEnv('KAFKA_SASL_BROKERS');
  const run = randomUUID().slice(0, 8);
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));
    await requireListener('KAFKA_SASL_BROKERS', brokers, 'SASL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const passwordFile = () => {
    const file = join(dir, `password-${randomUUID()}`);
    writeFileSync(file, `${PASSWORD}\n`); // as a Secret mounted from a file usually is
    return file;
  };

  it.each([
    ['scram-sha-512', 'KAFKA_SASL_PASSWORD_FILE'],
    ['SCRAM-SHA-256', 'KAFKA_SASL_PASSWORD'],
    ['plain', 'KAFKA_SASL_PASSWORD'],
  ] as const)(
    'logs in with %s (password from %s), produces and consumes',
    async (mechanism, passwordKey) => {
      const logger = new RecordingLogger();
      const connection = kafkaConnectionFromEnv('sasl-test', {
        KAFKA_BROKERS: brokers,
        KAFKA_SASL_MECHANISM: mechanism,
        KAFKA_SASL_USERNAME: USER,
        [passwordKey]: passwordKey === 'KAFKA_SASL_PASSWORD_FILE' ? passwordFile() : PASSWORD,
      });
      const sut = new KafkajsAdapter(connection, logger);
      await roundTrip(
        sut,
        `sasl-test.${mechanism.toLowerCase()}.${run}`,
        `sasl-test-${run}-${mechanism.toLowerCase()}`,
        `hello over ${mechanism}`,
      );
      expect(logger.lines.join('\n')).not.toContain(PASSWORD);
    },
  );

  it.each(['scram-sha-512', 'plain'] as const)(
    'refuses a wrong %s password with an authentication error, not a hang',
    async (mechanism) => {
      const logger = new RecordingLogger();
      const sut = new KafkajsAdapter(
        kafkaConnectionFromEnv('sasl-test', {
          KAFKA_BROKERS: brokers,
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: USER,
          KAFKA_SASL_PASSWORD: 'not-the-password',
        }),
        logger,
      );
      const admin = sut.createAdmin();
      const started = Date.now();
      await expect(admin.connect()).rejects.toThrow(
        mechanism === 'plain'
          ? /SASL PLAIN authentication failed: .*Invalid username or password/
          : /SASL SCRAM SHA512 authentication failed: .*invalid credentials/,
      );
      // Not retried for a minute: a wrong password is not a transient failure.
      expect(Date.now() - started).toBeLessThan(10_000);
      await admin.disconnect();
      expect(logger.lines.join('\n')).not.toContain('not-the-password');
    },
  );

  it('logs in with a renewed password file for its next connections, without a restart', async () => {
    const file = join(dir, `password-${randomUUID()}`);
    writeFileSync(file, 'the-old-password\n');
    const logger = new RecordingLogger();
    const files = new KafkaCredentialFiles(
      parseEnv(kafkaEnvSchema, {
        KAFKA_BROKERS: brokers,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: USER,
        KAFKA_SASL_PASSWORD_FILE: file,
      }),
      'sasl-renewal-test',
      { intervalMs: 0, logger: { log: logger.log, warn: logger.warn } },
    );
    const sut = new KafkajsAdapter(files.options, logger);
    const refused = sut.createAdmin();
    await expect(refused.connect()).rejects.toThrow(/invalid credentials/);
    await refused.disconnect();

    writeFileSync(file, `${PASSWORD}\n`);
    expect(files.check()).toBe('reloaded');
    await roundTrip(
      sut,
      `sasl-test.renewed.${run}`,
      `sasl-test-${run}-renewed`,
      'hello with a renewed password',
    );
    expect(logger.lines.join('\n')).not.toMatch(/the-old-password|tuxhat-secret/);
  });
});

describe('Kafka over mutual TLS (the project client against the broker SSL listener)', () => {
  const brokers = requiredTestEnv('KAFKA_MTLS_BROKERS');
  const caFile = requiredTestEnv('KAFKA_MTLS_CA_FILE');
  const certFile = requiredTestEnv('KAFKA_MTLS_CERT_FILE');
  const keyFile = requiredTestEnv('KAFKA_MTLS_KEY_FILE');
  const run = randomUUID().slice(0, 8);
  let dir: string;
  let stranger: TestCa;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-mtls-'));
    stranger = TestCa.create('not the Kafka clients CA');
    await requireListener('KAFKA_MTLS_BROKERS', brokers, 'SSL (mutual TLS)');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    stranger.dispose();
  });

  /** The development client key, encrypted, and the file holding its password. */
  const encryptedKey = () => {
    const encrypted = join(dir, `client-${randomUUID()}.key`);
    writeFileSync(
      encrypted,
      createPrivateKey(readFileSync(keyFile))
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'key pass' })
        .toString(),
    );
    const password = join(dir, `key-password-${randomUUID()}`);
    writeFileSync(password, 'key pass\n');
    return { KAFKA_SSL_KEY_FILE: encrypted, KAFKA_SSL_KEY_PASSWORD_FILE: password };
  };

  it.each(['plain', 'encrypted'] as const)(
    'connects with the client certificate (%s key), produces and consumes',
    async (kind) => {
      const logger = new RecordingLogger();
      const connection = kafkaConnectionFromEnv('mtls-test', {
        KAFKA_BROKERS: brokers,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: caFile,
        KAFKA_SSL_CERT_FILE: certFile,
        ...(kind === 'plain' ? { KAFKA_SSL_KEY_FILE: keyFile } : encryptedKey()),
      });
      await roundTrip(
        new KafkajsAdapter(connection, logger),
        `mtls-test.${kind}.${run}`,
        `mtls-test-${run}-${kind}`,
        `hello over mutual TLS (${kind} key)`,
      );
      const key = createPrivateKey(readFileSync(keyFile))
        .export({ type: 'pkcs8', format: 'pem' })
        .toString();
      expect(logger.lines.join('\n')).not.toContain(key.split('\n')[1]);
    },
  );

  // TLS 1.3: the broker checks the client certificate after the handshake and answers with an
  // alert, which the client reads as a connection error naming it.
  it.each([
    [
      'without a client certificate',
      () => ({ KAFKA_SSL_CA_FILE: caFile }),
      /ssl\/tls alert (bad certificate|certificate required)/,
    ],
    [
      'with a client certificate of another CA',
      () => {
        const theirs = stranger.client('tuxhat-client');
        return {
          KAFKA_SSL_CA_FILE: caFile,
          KAFKA_SSL_CERT_FILE: theirs.certFile,
          KAFKA_SSL_KEY_FILE: theirs.keyFile,
        };
      },
      /ssl\/tls alert (certificate unknown|unknown ca|bad certificate)/,
    ],
    [
      "when the brokers' CA is not trusted (no KAFKA_SSL_CA_FILE)",
      () => ({ KAFKA_SSL_CERT_FILE: certFile, KAFKA_SSL_KEY_FILE: keyFile }),
      /unable to verify the first certificate/,
    ],
  ] as const)('is refused %s, with a TLS error, not a hang', async (_what, tls, error) => {
    const sut = new KafkajsAdapter(
      kafkaConnectionFromEnv('mtls-test', { KAFKA_BROKERS: brokers, KAFKA_SSL: 'true', ...tls() }),
      new RecordingLogger(),
    );
    const admin = sut.createAdmin();
    const started = Date.now();
    await expect(admin.connect()).rejects.toThrow(error);
    expect(Date.now() - started).toBeLessThan(10_000);
    await admin.disconnect();
  });

  it('takes up a renewed client certificate for its next connections, without a restart', async () => {
    // The mounted Secret starts with a certificate the brokers refuse (one of another CA, as
    // an expired one would be), then is renewed in place with the one they accept.
    const mounted = mkdtempSync(join(dir, 'secret-'));
    const theirs = stranger.client('tuxhat-client');
    writeFileSync(join(mounted, 'tls.crt'), theirs.cert);
    writeFileSync(join(mounted, 'tls.key'), theirs.key);
    const logger = new RecordingLogger();
    const files = new KafkaCredentialFiles(
      parseEnv(kafkaEnvSchema, {
        KAFKA_BROKERS: brokers,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: caFile,
        KAFKA_SSL_CERT_FILE: join(mounted, 'tls.crt'),
        KAFKA_SSL_KEY_FILE: join(mounted, 'tls.key'),
      }),
      'mtls-renewal-test',
      { intervalMs: 0, logger: { log: logger.log, warn: logger.warn } },
    );
    const sut = new KafkajsAdapter(files.options, logger);
    const refused = sut.createAdmin();
    await expect(refused.connect()).rejects.toThrow(/ssl\/tls alert/);
    await refused.disconnect();

    writeFileSync(join(mounted, 'tls.crt'), readFileSync(certFile));
    writeFileSync(join(mounted, 'tls.key'), readFileSync(keyFile));
    expect(files.check()).toBe('reloaded');
    await roundTrip(
      sut,
      `mtls-test.renewed.${run}`,
      `mtls-test-${run}-renewed`,
      'hello with a renewed client certificate',
    );
  });
});
