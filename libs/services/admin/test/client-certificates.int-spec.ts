import { execFileSync } from 'node:child_process';

import { TestCa } from '@tuxhat/testing';

import { AdminHarness } from './support/admin-harness';

const BASE = '/admin/v1/tenants/certs-a/client-certificates';

describe('admin API: tenants’ client certificates', () => {
  let sut: AdminHarness;
  let pki: TestCa;

  beforeAll(async () => {
    pki = TestCa.create('Admin Test CA');
    sut = await AdminHarness.start('admin_client_certs');
    await sut.post('/admin/v1/tenants', { id: 'certs-a', name: 'Certs A' });
    await sut.post('/admin/v1/tenants', { id: 'certs-b', name: 'Certs B' });
  });

  afterAll(async () => {
    await sut?.close();
    pki?.dispose();
  });

  /** openssl's own fingerprint of a certificate file: `AB:CD:...`. */
  const opensslFingerprint = (certFile: string) =>
    execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', certFile], {
      encoding: 'utf8',
    })
      .split('=')[1]
      .trim();

  it('registers a certificate: 201, its fingerprint and subject, audited, a revision bump', async () => {
    const client = pki.client('a-client');
    const revision = await sut.revision();
    const answer = await sut.post(BASE, {
      certificate: client.cert,
      label: 'A production',
      scopes: ['send'],
    });

    expect(answer.status).toBe(201);
    const fingerprint = opensslFingerprint(client.certFile).replaceAll(':', '').toLowerCase();
    expect(answer.body).toEqual({
      fingerprint,
      tenantId: 'certs-a',
      label: 'A production',
      subject: 'CN=a-client',
      issuer: 'CN=Admin Test CA',
      serialNumber: expect.stringMatching(/^[0-9A-F]+$/),
      notAfter: expect.any(String),
      scopes: ['send'],
      createdAt: expect.any(String),
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(await sut.revision()).toBe(revision + 1n);
    const [audit] = await sut.auditOf('client_certificate', fingerprint);
    expect(audit).toMatchObject({
      actor: 'ops-alice',
      action: 'client_certificate.register',
      before: null,
      after: answer.body,
    });

    const listed = await sut.get(BASE);
    expect(listed).toMatchObject({ status: 200, body: { items: [answer.body], nextCursor: null } });
  });

  it('gives both scopes by default', async () => {
    const answer = await sut.post(BASE, { certificate: pki.client('defaults').cert, label: 'x' });
    expect(answer.body.scopes).toEqual(['send', 'read']);
  });

  it('registers a certificate once, for one tenant: 409 client_certificate_exists', async () => {
    const client = pki.client('once');
    await sut.post(BASE, { certificate: client.cert, label: 'first' });
    const revision = await sut.revision();
    const again = await sut.post('/admin/v1/tenants/certs-b/client-certificates', {
      certificate: client.cert,
      label: 'second',
    });
    expect(again).toMatchObject({ status: 409, body: { code: 'client_certificate_exists' } });
    expect(await sut.revision()).toBe(revision);
  });

  it.each([
    ['text that is no certificate', () => 'hello'],
    ['a private key', () => pki.client('keyed').key],
    ['a chain', () => `${pki.client('chained').cert}${pki.ca.cert}`],
    ['a CA certificate', () => pki.ca.cert],
  ])('refuses %s: 400 client_certificate_invalid', async (_case, pem) => {
    const answer = await sut.post(BASE, { certificate: pem(), label: 'bad' });
    expect(answer).toMatchObject({ status: 400, body: { code: 'client_certificate_invalid' } });
  });

  it('validates the body like every other: 400 validation_failed', async () => {
    const answer = await sut.post(BASE, { certificate: pki.client('v').cert, scopes: ['admin'] });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
    expect((answer.body.errors as { field: string }[]).map((error) => error.field).sort()).toEqual([
      'label',
      'scopes.0',
    ]);
  });

  it('answers 404 tenant_not_found for an unknown tenant', async () => {
    const answer = await sut.post('/admin/v1/tenants/nobody/client-certificates', {
      certificate: pki.client('nobody').cert,
      label: 'x',
    });
    expect(answer).toMatchObject({ status: 404, body: { code: 'tenant_not_found' } });
  });

  it('revokes by fingerprint as openssl prints it, audited; again changes nothing', async () => {
    const client = pki.client('revoke-me');
    const created = await sut.post(BASE, { certificate: client.cert, label: 'revoke me' });
    const fingerprint = String(created.body.fingerprint);
    const revision = await sut.revision();

    const answer = await sut.post(`${BASE}/${opensslFingerprint(client.certFile)}/revoke`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ fingerprint, revokedAt: expect.any(String) });
    expect(await sut.revision()).toBe(revision + 1n);
    expect((await sut.auditOf('client_certificate', fingerprint)).at(-1)).toMatchObject({
      action: 'client_certificate.revoke',
      before: expect.objectContaining({ revokedAt: null }),
      after: expect.objectContaining({ revokedAt: answer.body.revokedAt }),
    });

    const again = await sut.post(`${BASE}/${fingerprint}/revoke`);
    expect(again.body.revokedAt).toBe(answer.body.revokedAt);
    expect(await sut.auditOf('client_certificate', fingerprint)).toHaveLength(2);
  });

  it('never revokes another tenant’s certificate: 404 client_certificate_not_found', async () => {
    const other = await sut.post('/admin/v1/tenants/certs-b/client-certificates', {
      certificate: pki.client('b-client').cert,
      label: 'b',
    });
    const fingerprint = String(other.body.fingerprint);
    for (const id of [fingerprint, 'not-a-fingerprint']) {
      const answer = await sut.post(`${BASE}/${id}/revoke`);
      expect(answer).toMatchObject({
        status: 404,
        body: { code: 'client_certificate_not_found' },
      });
    }
    const row = await sut.prisma.clientCertificate.findUniqueOrThrow({ where: { fingerprint } });
    expect(row.revokedAt).toBeNull();
  });

  it('deletes a tenant’s certificates with it, each audited', async () => {
    await sut.post('/admin/v1/tenants', { id: 'certs-gone', name: 'Gone' });
    const created = await sut.post('/admin/v1/tenants/certs-gone/client-certificates', {
      certificate: pki.client('gone').cert,
      label: 'gone',
    });
    const fingerprint = String(created.body.fingerprint);
    expect((await sut.delete('/admin/v1/tenants/certs-gone')).status).toBe(204);
    expect(await sut.prisma.clientCertificate.count({ where: { fingerprint } })).toBe(0);
    expect((await sut.auditOf('client_certificate', fingerprint)).at(-1)).toMatchObject({
      action: 'client_certificate.delete',
      after: null,
    });
  });
});
