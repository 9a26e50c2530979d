import { readClientCertificate } from '@tuxhat/config';
import type { TestCertificate } from '@tuxhat/testing';

import type { IngressHarness } from './ingress-harness';

/** Registers a client certificate for a tenant as the admin API does (a config revision bump). */
export async function registerCertificate(
  harness: IngressHarness,
  tenantId: string,
  certificate: TestCertificate,
  scopes: string[] = [],
): Promise<string> {
  const facts = readClientCertificate(certificate.cert);
  if (!facts) throw new Error('the test certificate does not parse');
  await harness.configure((tx) =>
    tx.clientCertificate.create({
      data: {
        fingerprint: facts.fingerprint,
        tenantId,
        label: 'test',
        subject: facts.subject,
        issuer: facts.issuer,
        serialNumber: facts.serialNumber,
        notAfter: facts.notAfter,
        scopes,
      },
    }),
  );
  return facts.fingerprint;
}
