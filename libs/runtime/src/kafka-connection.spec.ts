import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '@tuxhat/config';

import { kafkaConnectionFromEnv } from './kafka-connection';

describe(kafkaConnectionFromEnv.name, () => {
  const sut = (env: Record<string, string>) =>
    kafkaConnectionFromEnv('tuxhat-test', { KAFKA_BROKERS: 'k1:9092,k2:9092', ...env });
  const problemsOf = (env: Record<string, string>): string => {
    try {
      sut(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.join('\n');
    }
    throw new Error('no ConfigError');
  };

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-connection-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('connects without SASL when no SASL key is set', () => {
    expect(sut({ KAFKA_SSL: 'true' })).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'tuxhat-test',
      ssl: true,
    });
  });

  it('logs in with the mechanism, the username and the password', () => {
    const options = sut({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'tuxhat',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    expect(options.sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'tuxhat',
      password: 's3cret',
    });
    expect(options.ssl).toBe(false);
  });

  it('reads the password from KAFKA_SASL_PASSWORD_FILE, without its final line break only', () => {
    const file = join(dir, 'password');
    writeFileSync(file, ' pass word \n');
    const options = sut({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'tuxhat',
      KAFKA_SASL_PASSWORD_FILE: file,
    });
    expect(options.sasl).toEqual({
      mechanism: 'plain',
      username: 'tuxhat',
      password: ' pass word ',
    });
  });

  it('refuses an unknown mechanism, naming the key', () => {
    expect(() => sut({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM: /);
  });

  it('refuses a mechanism without a username or a password', () => {
    const problems = problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-256' });
    expect(problems).toMatch(/^KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM/m);
    expect(problems).toMatch(/^KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM/m);
  });

  it('refuses a username or password without a mechanism (the client would not log in)', () => {
    const problems = problemsOf({ KAFKA_SASL_USERNAME: 'tuxhat', KAFKA_SASL_PASSWORD: 'x' });
    expect(problems).toMatch(/^KAFKA_SASL_USERNAME: set without KAFKA_SASL_MECHANISM/m);
    expect(problems).toMatch(/^KAFKA_SASL_PASSWORD: set without KAFKA_SASL_MECHANISM/m);
  });

  it('refuses both KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE', () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'from-file');
    expect(
      problemsOf({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'tuxhat',
        KAFKA_SASL_PASSWORD: 'from-env',
        KAFKA_SASL_PASSWORD_FILE: file,
      }),
    ).toMatch(/^KAFKA_SASL_PASSWORD_FILE: set together with KAFKA_SASL_PASSWORD/m);
  });

  it('refuses a password file that is missing, unreadable or empty, naming the key', () => {
    const base = { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'tuxhat' };
    const missing = join(dir, 'missing');
    expect(problemsOf({ ...base, KAFKA_SASL_PASSWORD_FILE: missing })).toBe(
      `KAFKA_SASL_PASSWORD_FILE: cannot read ${missing} (ENOENT)`,
    );
    expect(problemsOf({ ...base, KAFKA_SASL_PASSWORD_FILE: dir })).toMatch(
      /^KAFKA_SASL_PASSWORD_FILE: cannot read .* \(EISDIR\)$/,
    );
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(problemsOf({ ...base, KAFKA_SASL_PASSWORD_FILE: empty })).toBe(
      `KAFKA_SASL_PASSWORD_FILE: ${empty} is empty`,
    );
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked');
      writeFileSync(locked, 'x');
      chmodSync(locked, 0o000);
      expect(problemsOf({ ...base, KAFKA_SASL_PASSWORD_FILE: locked })).toMatch(/EACCES/);
    }
  });

  it('never puts the password into an error message', () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'from-file');
    const problems = problemsOf({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_PASSWORD: 'hunter2-from-env',
      KAFKA_SASL_PASSWORD_FILE: file,
    });
    expect(problems).not.toContain('hunter2');
    expect(problems).not.toContain('from-file');
  });
});
