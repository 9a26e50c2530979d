import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';

import { credentials } from '@grpc/grpc-js';
import { TestCa, type TestCertificate, httpsCall, waitFor } from '@tuxhat/testing';

import { readListenerTls } from '../src/listener-tls';
import { IngressHarness } from './support/ingress-harness';
import { registerCertificate } from './support/tls-client';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Sent after a renewal' };

/**
 * A renewed server certificate on a running ingress (REST and gRPC, with tenants' client CAs),
 * on a real PostgreSQL: the files change where the configuration points, as cert-manager
 * renews a mounted Secret, and new connections get the new certificate without a restart.
 */
describe('ingress TLS certificate renewal', () => {
  let sut: IngressHarness;
  let pki: TestCa;
  let first: TestCertificate;
  let renewed: TestCertificate;
  let acmeCert: TestCertificate;
  let dir: string;

  beforeAll(async () => {
    pki = TestCa.create('Renewal CA');
    first = pki.server('first');
    renewed = pki.server('renewed');
    acmeCert = pki.client('acme-client');
    dir = mkdtempSync(join(tmpdir(), 'tuxhat-tls-renewal-'));
    copyFileSync(first.certFile, join(dir, 'tls.crt'));
    copyFileSync(first.keyFile, join(dir, 'tls.key'));
    const tls = readListenerTls({
      INGRESS_TLS_CERT_FILE: join(dir, 'tls.crt'),
      INGRESS_TLS_KEY_FILE: join(dir, 'tls.key'),
      INGRESS_TLS_CLIENT_CA_FILE: pki.ca.certFile,
    })!;
    sut = await IngressHarness.start('ingress_tls_reload', {
      tls: { ...tls, reload: { ...tls.reload!, intervalMs: 50 } },
    });
    await registerCertificate(sut, 'acme', acmeCert);
    await sut.refreshConfig();
  });

  afterAll(async () => {
    await sut?.close();
    pki?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The SHA-256 fingerprint of the certificate a new TLS connection to this address gets. */
  const served = (address: string, alpn: string[]) =>
    new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(address.includes('://') ? address : `x://${address}`);
      const socket = connect(
        { host: hostname, port: Number(port), ca: pki.ca.cert, ALPNProtocols: alpn },
        () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        },
      );
      socket.on('error', reject);
    });
  const fingerprint = (certificate: TestCertificate) =>
    new X509Certificate(certificate.cert).fingerprint256;

  it('serves the renewed certificate on REST and gRPC, and still authenticates clients by theirs', async () => {
    const rest = () => served(sut.ingress.httpUrl, ['http/1.1']);
    const grpc = () => served(sut.ingress.grpcUrl, ['h2']);
    expect(await rest()).toBe(fingerprint(first));
    expect(await grpc()).toBe(fingerprint(first));

    copyFileSync(renewed.certFile, join(dir, 'tls.crt'));
    copyFileSync(renewed.keyFile, join(dir, 'tls.key'));
    await waitFor('both listeners to serve the renewed certificate', async () =>
      (await rest()) === fingerprint(renewed) && (await grpc()) === fingerprint(renewed)
        ? true
        : undefined,
    );

    // The client CAs came along: a tenant's certificate still authenticates, on both.
    const byCertificate = await httpsCall(`${sut.ingress.httpUrl}/v1/messages`, {
      ca: pki.ca.cert,
      client: acmeCert,
      body: VALID,
    });
    expect(byCertificate.status).toBe(202);
    const overGrpc = sut.grpc(
      null,
      {},
      credentials.createSsl(
        Buffer.from(pki.ca.cert),
        Buffer.from(acmeCert.key),
        Buffer.from(acmeCert.cert),
      ),
    );
    const submitted = await overGrpc.submit(VALID);
    const id = String(submitted.id);
    expect((await sut.prisma.message.findUniqueOrThrow({ where: { id } })).tenantId).toBe('acme');
  });
});
