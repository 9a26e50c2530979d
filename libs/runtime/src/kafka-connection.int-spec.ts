import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LoggerService } from '@nestjs/common';
import { KafkajsAdapter, type IncomingRecord } from '@tuxhat/messaging';
import { requiredTestEnv } from '@tuxhat/testing';

import { kafkaConnectionFromEnv } from './kafka-connection';

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

describe('Kafka over SASL (the project client against the broker SASL listener)', () => {
  const brokers = requiredTestEnv('KAFKA_SASL_BROKERS');
  const run = randomUUID().slice(0, 8);
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-sasl-'));
    // Not a skip: the project's own scripts always start the SASL listener.
    if (!(await listening(brokers.split(',')[0]))) {
      throw new Error(
        `nothing listens on KAFKA_SASL_BROKERS=${brokers}: the broker was started without its SASL ` +
          'listener (by a scripts/infra/kafka.sh older than it). Restart it: ' +
          'scripts/infra/kafka.sh stop && scripts/infra/kafka.sh start && scripts/infra/kafka.sh wait',
      );
    }
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
      const topic = `sasl-test.${mechanism.toLowerCase()}.${run}`;

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
        await producer.send([
          { topic, key: 'k', value: Buffer.from(`hello over ${mechanism}`), headers: { h: '1' } },
        ]);
      } finally {
        await producer.disconnect();
      }

      const consumer = sut.createConsumer(`sasl-test-${run}-${mechanism.toLowerCase()}`);
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

      expect(
        received.map((record) => [record.key, record.value?.toString(), record.headers]),
      ).toEqual([['k', `hello over ${mechanism}`, { h: '1' }]]);
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
});
