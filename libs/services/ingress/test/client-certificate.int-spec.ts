import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';

import { credentials, status } from '@grpc/grpc-js';
import { TestCa, type TestCertificate, httpsCall, waitFor } from '@tuxhat/testing';

import { rejection } from './support/grpc-rejection';
import { IngressHarness, type Json } from './support/ingress-harness';
import { registerCertificate } from './support/tls-client';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Sent with a client certificate' };

/**
 * Mutual TLS on the tenant API: ingress with TLS on both listeners and a client CA, on a real
 * PostgreSQL; client certificates made by openssl at test time. Tenant A is `acme`, B `other`.
 */
describe('ingress client certificates (mutual TLS)', () => {
  let sut: IngressHarness;
  let tenantsCa: TestCa;
  let otherCa: TestCa;
  let acmeCert: TestCertificate;
  let otherCert: TestCertificate;
  let readOnlyCert: TestCertificate;
  let foreignCert: TestCertificate;

  const call = (
    client: TestCertificate | undefined,
    path: string,
    options: { key?: string; body?: unknown } = {},
  ) => httpsCall(`${sut.ingress.httpUrl}${path}`, { ca: tenantsCa.ca.cert, client, ...options });

  /** gRPC over TLS, with this client certificate (or none) and this key (or none). */
  const grpc = (client: TestCertificate | undefined, key: string | null = null) =>
    sut.grpc(
      key,
      {},
      credentials.createSsl(
        Buffer.from(tenantsCa.ca.cert),
        client ? Buffer.from(client.key) : null,
        client ? Buffer.from(client.cert) : null,
      ),
    );

  beforeAll(async () => {
    tenantsCa = TestCa.create('Tenants CA');
    otherCa = TestCa.create('Another CA');
    const server = tenantsCa.server();
    sut = await IngressHarness.start('ingress_mtls', {
      tls: { cert: server.cert, key: server.key, clientCa: tenantsCa.ca.cert },
      keyUsageFlushMs: 200,
    });
    acmeCert = tenantsCa.client('acme-client');
    otherCert = tenantsCa.client('other-client');
    readOnlyCert = tenantsCa.client('acme-reader');
    // Same name, registered even, but from a CA the listener does not trust.
    foreignCert = otherCa.client('acme-client');
    await registerCertificate(sut, 'acme', acmeCert);
    await registerCertificate(sut, 'other', otherCert);
    await registerCertificate(sut, 'acme', readOnlyCert, ['read']);
    await registerCertificate(sut, 'acme', foreignCert);
    await sut.refreshConfig();
  });

  afterAll(async () => {
    await sut?.close();
    tenantsCa?.dispose();
    otherCa?.dispose();
  });

  it('serves REST over TLS only', async () => {
    expect(sut.ingress.httpUrl).toMatch(/^https:\/\//);
    await expect(fetch(sut.ingress.httpUrl.replace('https:', 'http:'))).rejects.toThrow();
  });

  it('authenticates A’s certificate as A: it submits, reads and lists A’s messages', async () => {
    const submitted = await call(acmeCert, '/v1/messages', { body: VALID });
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.id);
    expect((await sut.prisma.message.findUniqueOrThrow({ where: { id } })).tenantId).toBe('acme');
    expect((await call(acmeCert, `/v1/messages/${id}`)).body).toMatchObject({ id });
    const listed = await call(acmeCert, '/v1/messages');
    expect((listed.body.items as Json[]).map((item) => item.id)).toContain(id);
    const batch = await call(acmeCert, '/v1/messages/batch', { body: { messages: [VALID] } });
    expect(batch.status).toBe(202);
  });

  it('keeps B’s certificate out of A’s messages: 404 as for keys', async () => {
    const id = String((await call(acmeCert, '/v1/messages', { body: VALID })).body.id);
    const foreign = await call(otherCert, `/v1/messages/${id}`);
    expect(foreign).toMatchObject({ status: 404, body: { code: 'message_not_found' } });
    const listed = await call(otherCert, '/v1/messages');
    expect(listed.status).toBe(200);
    expect((listed.body.items as Json[]).map((item) => item.id)).not.toContain(id);
  });

  it('refuses a certificate from another CA, even a registered one, and no credential: 401', async () => {
    const foreign = await call(foreignCert, '/v1/messages', { body: VALID });
    expect(foreign).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect((await call(foreignCert, '/v1/messages')).status).toBe(401);
    expect((await call(undefined, '/v1/messages', { body: VALID })).status).toBe(401);
  });

  it('answers 403 insufficient_scope to a certificate without the scope of the call', async () => {
    const denied = await call(readOnlyCert, '/v1/messages', { body: VALID });
    expect(denied).toMatchObject({ status: 403, body: { code: 'insufficient_scope' } });
    expect((await call(readOnlyCert, '/v1/messages')).status).toBe(200);
  });

  it('still takes API keys on the same listener, with or without a certificate', async () => {
    const byKey = await call(undefined, '/v1/messages', { key: sut.other.key.key, body: VALID });
    expect(byKey.status).toBe(202);
    const id = String(byKey.body.id);
    expect((await sut.prisma.message.findUniqueOrThrow({ where: { id } })).tenantId).toBe('other');
    // The key decides, not the certificate: B's key on A's certificate's connection acts for B.
    const keyOverCert = await call(acmeCert, `/v1/messages/${id}`, { key: sut.other.key.key });
    expect(keyOverCert.status).toBe(200);
  });

  it('never rescues a wrong API key with a good certificate: 401', async () => {
    const wrong = `${sut.acme.key.prefix}_${'A'.repeat(43)}`;
    const answer = await call(acmeCert, '/v1/messages', { key: wrong, body: VALID });
    expect(answer).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    const revoked = await call(acmeCert, '/v1/messages', { key: sut.revokedKey.key, body: VALID });
    expect(revoked.status).toBe(401);
  });

  it('refuses a certificate revoked on the running ingress, without a restart', async () => {
    const client = tenantsCa.client('acme-rotated');
    const fingerprint = await registerCertificate(sut, 'acme', client);
    await sut.refreshConfig();
    expect((await call(client, '/v1/messages', { body: VALID })).status).toBe(202);

    await sut.configure((tx) =>
      tx.clientCertificate.update({ where: { fingerprint }, data: { revokedAt: new Date() } }),
    );
    // No refresh: the running ingress notices the config revision by itself.
    await waitFor('the revoked certificate to be refused', async () =>
      (await call(client, '/v1/messages')).status === 401 ? true : undefined,
    );
    expect((await call(client, '/v1/messages', { body: VALID })).status).toBe(401);
  });

  it('authenticates gRPC calls by client certificate, with the same rules', async () => {
    const acme = grpc(acmeCert);
    const submitted = await acme.submit(VALID);
    const id = String(submitted.id);
    expect((await sut.prisma.message.findUniqueOrThrow({ where: { id } })).tenantId).toBe('acme');
    expect(await acme.get(id)).toMatchObject({ id });

    const foreignRead = await rejection(grpc(otherCert).get(id));
    expect(foreignRead.code).toBe(status.NOT_FOUND);
    const untrusted = await rejection(grpc(foreignCert).submit(VALID));
    expect(untrusted).toMatchObject({ code: status.UNAUTHENTICATED, errorCode: 'unauthorized' });
    const none = await rejection(grpc(undefined).submit(VALID));
    expect(none.code).toBe(status.UNAUTHENTICATED);
    const readOnly = await rejection(grpc(readOnlyCert).submit(VALID));
    expect(readOnly).toMatchObject({
      code: status.PERMISSION_DENIED,
      errorCode: 'insufficient_scope',
    });
    const wrongKey = await rejection(
      grpc(acmeCert, `${sut.acme.key.prefix}_${'A'.repeat(43)}`).submit(VALID),
    );
    expect(wrongKey.code).toBe(status.UNAUTHENTICATED);
    expect(await grpc(undefined, sut.acme.key.key).get(id)).toMatchObject({ id });
  });

  it('records when a certificate was last used, and only for certificates that authenticated', async () => {
    const before = Date.now();
    expect((await call(acmeCert, '/v1/messages')).status).toBe(200);
    expect((await call(foreignCert, '/v1/messages')).status).toBe(401);
    const fingerprintOf = (certificate: TestCertificate) =>
      new X509Certificate(certificate.cert).fingerprint256.replace(/:/g, '').toLowerCase();
    const used = await waitFor('the certificate’s use to be written', async () => {
      const row = await sut.prisma.clientCertificate.findUniqueOrThrow({
        where: { fingerprint: fingerprintOf(acmeCert) },
      });
      return row.lastUsedAt && row.lastUsedAt.getTime() >= before - 5 ? row.lastUsedAt : undefined;
    });
    expect(used.getTime()).toBeLessThanOrEqual(Date.now());
    const foreign = await sut.prisma.clientCertificate.findUniqueOrThrow({
      where: { fingerprint: fingerprintOf(foreignCert) },
    });
    expect(foreign.lastUsedAt).toBeNull();
  });

  it('opens a status stream for a certificate’s tenant', async () => {
    const stream = await grpc(acmeCert).streamStatus();
    stream.cancel();
    expect(await stream.ended).toMatchObject({ code: status.CANCELLED });
  });

  it('asks for a client certificate without requiring one', async () => {
    const { port } = new URL(sut.ingress.httpUrl);
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: Number(port), ca: tenantsCa.ca.cert },
        () => {
          resolve(socket.authorized);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
    expect(authorized).toBe(true);
  });
});
