import { Inject, Injectable } from '@nestjs/common';
import { type ClientCertificateFacts, readClientCertificate } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import { AdminChanges, auditEntry, createUniquely } from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { type Page, pageOf } from '../core/pagination';
import {
  type ClientCertificateView,
  type RegisterClientCertificate,
  clientCertificateView,
  normalizeFingerprint,
} from './client-certificates.dto';
import { revokeCredential } from './credential-revocation';
import { findTenant } from './tenants.service';

/**
 * TLS client certificates registered as tenants' credentials on the tenant API. Every change
 * goes through AdminChanges (audit + config revision), so ingress follows within about a second,
 * as for API keys. A certificate belongs to one tenant, and only once: its fingerprint is its id.
 */
@Injectable()
export class ClientCertificatesService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly changes: AdminChanges,
  ) {}

  async register(
    actor: AdminActor,
    tenantId: string,
    input: RegisterClientCertificate,
  ): Promise<ClientCertificateView> {
    const facts = this.acceptable(input.certificate);
    return createUniquely(
      'client_certificate_exists',
      `the certificate ${facts.fingerprint} is registered already (a revoked one too: issue a new certificate)`,
      () =>
        this.changes.apply(actor, async (tx) => {
          await findTenant(tx, tenantId);
          const row = await tx.clientCertificate.create({
            data: {
              fingerprint: facts.fingerprint,
              tenantId,
              label: input.label,
              subject: facts.subject,
              issuer: facts.issuer,
              serialNumber: facts.serialNumber,
              notAfter: facts.notAfter,
              scopes: [...input.scopes],
              createdAt: this.clock.now(),
            },
          });
          const after = clientCertificateView(row);
          return {
            result: after,
            audit: auditEntry('client_certificate', 'register', row.fingerprint, null, after),
          };
        }),
    );
  }

  async list(
    tenantId: string,
    query: { limit: number; cursor?: string },
  ): Promise<Page<ClientCertificateView>> {
    await findTenant(this.prisma, tenantId);
    const rows = await this.prisma.clientCertificate.findMany({
      where: {
        tenantId,
        ...(query.cursor !== undefined ? { fingerprint: { gt: query.cursor } } : {}),
      },
      orderBy: { fingerprint: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, clientCertificateView, (row) => row.fingerprint);
  }

  /** Revokes at once; revoking a revoked certificate changes nothing and answers it as it is. */
  async revoke(
    actor: AdminActor,
    tenantId: string,
    fingerprintParam: string,
  ): Promise<ClientCertificateView> {
    const fingerprint = normalizeFingerprint(fingerprintParam);
    return this.changes.apply(actor, async (tx) => {
      await findTenant(tx, tenantId);
      return revokeCredential({
        row:
          fingerprint === null
            ? null
            : await tx.clientCertificate.findUnique({ where: { fingerprint } }),
        tenantId,
        now: this.clock.now(),
        entity: 'client_certificate',
        id: fingerprint ?? fingerprintParam,
        view: clientCertificateView,
        notFound: () =>
          new AdminProblem(
            'client_certificate_not_found',
            `tenant "${tenantId}" has no client certificate "${fingerprintParam}"`,
          ),
        revoke: (row, now) =>
          tx.clientCertificate.update({
            where: { fingerprint: row.fingerprint },
            data: { revokedAt: now },
          }),
      });
    });
  }

  /** One client certificate, not a CA, not expired: anything else would never authenticate. */
  private acceptable(pem: string): ClientCertificateFacts {
    const facts = readClientCertificate(pem);
    if (!facts) {
      throw new AdminProblem(
        'client_certificate_invalid',
        'certificate: give exactly one PEM certificate (-----BEGIN CERTIFICATE-----), the client’s own, without its chain or key',
      );
    }
    if (facts.isCa) {
      throw new AdminProblem(
        'client_certificate_invalid',
        'certificate: this is a CA certificate; register the client’s own certificate (the CA goes in INGRESS_TLS_CLIENT_CA_FILE)',
      );
    }
    if (facts.notAfter.getTime() <= this.clock.now().getTime()) {
      throw new AdminProblem(
        'client_certificate_invalid',
        `certificate: expired at ${facts.notAfter.toISOString()}`,
      );
    }
    return facts;
  }
}
