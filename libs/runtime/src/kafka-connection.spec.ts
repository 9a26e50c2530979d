import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '@tuxhat/config';
import { TestCa } from '@tuxhat/testing';

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

  describe('TLS files', () => {
    let ca: TestCa;
    let other: TestCa;
    beforeAll(() => {
      ca = TestCa.create('kafka-connection-ca');
      other = TestCa.create('kafka-connection-other');
    });
    afterAll(() => {
      ca.dispose();
      other.dispose();
    });

    it('reads the CA bundle, the client certificate and its key', () => {
      const client = ca.client('tuxhat-client');
      const options = sut({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: ca.ca.certFile,
        KAFKA_SSL_CERT_FILE: client.certFile,
        KAFKA_SSL_KEY_FILE: client.keyFile,
      });
      expect(options.ssl).toEqual({ ca: ca.ca.cert, cert: client.cert, key: client.key });
    });

    it('takes a CA alone (TLS with a private CA, no client certificate)', () => {
      expect(sut({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca.ca.certFile }).ssl).toEqual({
        ca: ca.ca.cert,
      });
    });

    it('opens an encrypted key with KAFKA_SSL_KEY_PASSWORD_FILE', () => {
      const client = ca.client('encrypted');
      const keyFile = join(dir, 'encrypted.key');
      writeFileSync(keyFile, encrypt(client.key, 'key pass'));
      const passwordFile = join(dir, 'key-password');
      writeFileSync(passwordFile, 'key pass\n');
      const env = { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: client.certFile };
      expect(
        sut({ ...env, KAFKA_SSL_KEY_FILE: keyFile, KAFKA_SSL_KEY_PASSWORD_FILE: passwordFile }).ssl,
      ).toMatchObject({ cert: client.cert, passphrase: 'key pass' });
      expect(problemsOf({ ...env, KAFKA_SSL_KEY_FILE: keyFile })).toBe(
        `KAFKA_SSL_KEY_FILE: ${keyFile} is encrypted: give its password in KAFKA_SSL_KEY_PASSWORD_FILE`,
      );
      writeFileSync(passwordFile, 'not the pass');
      const wrong = problemsOf({
        ...env,
        KAFKA_SSL_KEY_FILE: keyFile,
        KAFKA_SSL_KEY_PASSWORD_FILE: passwordFile,
      });
      expect(wrong).toBe(`KAFKA_SSL_KEY_PASSWORD_FILE: does not open ${keyFile} (wrong password)`);
    });

    it('refuses the files without KAFKA_SSL=true, naming each key', () => {
      const client = ca.client('no-ssl');
      const problems = problemsOf({
        KAFKA_SSL_CA_FILE: ca.ca.certFile,
        KAFKA_SSL_CERT_FILE: client.certFile,
        KAFKA_SSL_KEY_FILE: client.keyFile,
      });
      for (const key of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']) {
        expect(problems).toMatch(new RegExp(`^${key}: set without KAFKA_SSL=true`, 'm'));
      }
    });

    it('refuses a certificate without its key, a key without its certificate', () => {
      const client = ca.client('half');
      expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: client.certFile })).toMatch(
        /^KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE/m,
      );
      expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: client.keyFile })).toMatch(
        /^KAFKA_SSL_CERT_FILE: required with KAFKA_SSL_KEY_FILE/m,
      );
      const password = join(dir, 'password');
      writeFileSync(password, 'x');
      expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_PASSWORD_FILE: password })).toBe(
        'KAFKA_SSL_KEY_PASSWORD_FILE: set without KAFKA_SSL_KEY_FILE',
      );
    });

    it('refuses a file that is missing, empty or not what its key says, naming the key', () => {
      const client = ca.client('files');
      const missing = join(dir, 'missing.pem');
      const empty = join(dir, 'empty.pem');
      writeFileSync(empty, '\n');
      expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing })).toBe(
        `KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT)`,
      );
      expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: empty })).toBe(
        `KAFKA_SSL_CA_FILE: ${empty} is empty`,
      );
      // Certificate and key swapped: both named, and the key's content in no message.
      const swapped = problemsOf({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CERT_FILE: client.keyFile,
        KAFKA_SSL_KEY_FILE: client.certFile,
      });
      expect(swapped).toBe(
        [
          `KAFKA_SSL_CERT_FILE: ${client.keyFile} holds no PEM CERTIFICATE (-----BEGIN ...CERTIFICATE-----)`,
          `KAFKA_SSL_KEY_FILE: ${client.certFile} holds no PEM PRIVATE KEY (-----BEGIN ...PRIVATE KEY-----)`,
        ].join('\n'),
      );
    });

    it("refuses a key that is not the certificate's", () => {
      const client = ca.client('mine');
      const stranger = other.client('theirs');
      expect(
        problemsOf({
          KAFKA_SSL: 'true',
          KAFKA_SSL_CERT_FILE: client.certFile,
          KAFKA_SSL_KEY_FILE: stranger.keyFile,
        }),
      ).toBe(
        `KAFKA_SSL_KEY_FILE: ${stranger.keyFile} is not the key of the certificate in KAFKA_SSL_CERT_FILE (CN=mine)`,
      );
    });

    it('reports SASL and TLS problems together', () => {
      const problems = problemsOf({
        KAFKA_SASL_USERNAME: 'tuxhat',
        KAFKA_SSL_CA_FILE: ca.ca.certFile,
      });
      expect(problems).toMatch(/^KAFKA_SASL_USERNAME: set without KAFKA_SASL_MECHANISM/m);
      expect(problems).toMatch(/^KAFKA_SSL_CA_FILE: set without KAFKA_SSL=true/m);
    });
  });
});

/** The key as encrypted PKCS#8 PEM (ENCRYPTED PRIVATE KEY), as `openssl pkcs8 -topk8` writes it. */
function encrypt(pem: string, passphrase: string): string {
  return createPrivateKey(pem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString();
}
