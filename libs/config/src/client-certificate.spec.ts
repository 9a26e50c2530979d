import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';

import { TestCa } from '@tuxhat/testing';

import { certificateFingerprint, readClientCertificate } from './client-certificate';

describe('client certificates', () => {
  let pki: TestCa;

  beforeAll(() => {
    pki = TestCa.create('Test Tenants CA');
  });

  afterAll(() => pki.dispose());

  it('fingerprints the DER as openssl does, lower-case hex without colons', () => {
    const client = pki.client('acme-client');
    const openssl = execFileSync(
      'openssl',
      ['x509', '-noout', '-fingerprint', '-sha256', '-in', client.certFile],
      { encoding: 'utf8' },
    );
    const expected = openssl.split('=')[1].trim().replaceAll(':', '').toLowerCase();
    expect(certificateFingerprint(new X509Certificate(client.cert).raw)).toBe(expected);
    expect(readClientCertificate(client.cert)?.fingerprint).toBe(expected);
  });

  it('reads what an operator recognises a certificate by', () => {
    const facts = readClientCertificate(pki.client('acme-client').cert);
    expect(facts).toMatchObject({
      subject: 'CN=acme-client',
      issuer: 'CN=Test Tenants CA',
      isCa: false,
    });
    expect(facts!.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(facts!.notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(facts!.notBefore.getTime()).toBeLessThanOrEqual(Date.now());
    expect(readClientCertificate(pki.ca.cert)?.isCa).toBe(true);
  });

  it.each([
    ['no certificate', 'hello'],
    ['a private key', () => pki.client('key-only').key],
    ['a chain of two', () => `${pki.client('chained').cert}${pki.ca.cert}`],
    ['a damaged certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
  ])('reads nothing from %s', (_case, pem) => {
    expect(readClientCertificate(typeof pem === 'function' ? pem() : pem)).toBeNull();
  });
});
