import { join } from 'node:path';

import { ConfigError } from '@tuxhat/config';
import { TestCa } from '@tuxhat/testing';

import { readListenerTls } from './listener-tls';

describe(readListenerTls.name, () => {
  let pki: TestCa;

  beforeAll(() => {
    pki = TestCa.create('Listener CA');
  });

  afterAll(() => pki.dispose());

  const problemOf = (env: Parameters<typeof readListenerTls>[0]) => {
    try {
      readListenerTls(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.join('; ');
      throw error;
    }
    return 'accepted';
  };

  it('is off without a certificate', () => {
    expect(readListenerTls({})).toBeUndefined();
  });

  it('reads the certificate, its key and the client CAs as PEM text, and where to look again', () => {
    const server = pki.server();
    const files = {
      INGRESS_TLS_CERT_FILE: server.certFile,
      INGRESS_TLS_KEY_FILE: server.keyFile,
      INGRESS_TLS_CLIENT_CA_FILE: pki.ca.certFile,
    };
    expect(readListenerTls({ ...files, INGRESS_TLS_RELOAD_SECONDS: 30 })).toEqual({
      cert: server.cert,
      key: server.key,
      clientCa: pki.ca.cert,
      reload: { files, intervalMs: 30_000 },
    });
    expect(
      readListenerTls({
        INGRESS_TLS_CERT_FILE: server.certFile,
        INGRESS_TLS_KEY_FILE: server.keyFile,
      }),
    ).toEqual({
      cert: server.cert,
      key: server.key,
      reload: {
        files: { INGRESS_TLS_CERT_FILE: server.certFile, INGRESS_TLS_KEY_FILE: server.keyFile },
        intervalMs: 60_000,
      },
    });
  });

  it.each([
    [
      'a key without a certificate',
      { INGRESS_TLS_KEY_FILE: 'k' },
      /^INGRESS_TLS_CERT_FILE: required/,
    ],
    [
      'client CAs without a certificate',
      { INGRESS_TLS_CLIENT_CA_FILE: 'ca' },
      /^INGRESS_TLS_CERT_FILE: required/,
    ],
    [
      'a certificate without a key',
      { INGRESS_TLS_CERT_FILE: 'c' },
      /^INGRESS_TLS_KEY_FILE: required/,
    ],
  ])('stops the boot for %s, naming the variable', (_case, env, problem) => {
    expect(problemOf(env)).toMatch(problem);
  });

  it('stops the boot for a file missing or not PEM, or a key of another certificate', () => {
    const server = pki.server();
    const missing = join(__dirname, 'no-such-file.pem');
    expect(
      problemOf({ INGRESS_TLS_CERT_FILE: missing, INGRESS_TLS_KEY_FILE: server.keyFile }),
    ).toBe(`INGRESS_TLS_CERT_FILE: cannot read ${missing} (ENOENT)`);
    expect(
      problemOf({ INGRESS_TLS_CERT_FILE: server.keyFile, INGRESS_TLS_KEY_FILE: server.keyFile }),
    ).toMatch(/^INGRESS_TLS_CERT_FILE: .* holds no PEM certificate$/);
    expect(
      problemOf({ INGRESS_TLS_CERT_FILE: server.certFile, INGRESS_TLS_KEY_FILE: server.certFile }),
    ).toMatch(/^INGRESS_TLS_KEY_FILE: .* holds no PEM key$/);
    expect(
      problemOf({
        INGRESS_TLS_CERT_FILE: server.certFile,
        INGRESS_TLS_KEY_FILE: server.keyFile,
        INGRESS_TLS_CLIENT_CA_FILE: server.keyFile,
      }),
    ).toMatch(/^INGRESS_TLS_CLIENT_CA_FILE: .* holds no PEM certificate$/);
    expect(
      problemOf({
        INGRESS_TLS_CERT_FILE: server.certFile,
        INGRESS_TLS_KEY_FILE: pki.client('someone').keyFile,
      }),
    ).toMatch(/^INGRESS_TLS_KEY_FILE: does not go with INGRESS_TLS_CERT_FILE/);
  });
});
