import type { ClientCertificate } from '@tuxhat/database';
import { z } from 'zod';

import { pageQuery } from '../core/pagination';
import { displayName } from '../core/slug';
import { createApiKeySchema } from './tenants.dto';

/** A PEM certificate is a few kilobytes; a long chain pasted by mistake is refused anyway. */
const MAX_PEM_LENGTH = 16_384;

export const registerClientCertificateSchema = z.strictObject({
  /** The client's own certificate, PEM (not its chain, not its key). */
  certificate: z.string().min(1, 'must not be empty').max(MAX_PEM_LENGTH),
  label: displayName(64),
  /** The same scopes as an API key's, with the same default (all). */
  scopes: createApiKeySchema.shape.scopes,
});

export const listClientCertificatesQuery = z.strictObject({ ...pageQuery });

export type RegisterClientCertificate = z.output<typeof registerClientCertificateSchema>;

/** A registered client certificate as listed and audited (the PEM is not kept). */
export interface ClientCertificateView {
  /** Lower-case hex SHA-256 of the DER certificate: its id. */
  readonly fingerprint: string;
  readonly tenantId: string;
  readonly label: string;
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notAfter: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
  /** When it last authenticated a request (ingress writes it every few seconds). */
  readonly lastUsedAt: string | null;
}

export function clientCertificateView(row: ClientCertificate): ClientCertificateView {
  return {
    fingerprint: row.fingerprint,
    tenantId: row.tenantId,
    label: row.label,
    subject: row.subject,
    issuer: row.issuer,
    serialNumber: row.serialNumber,
    notAfter: row.notAfter.toISOString(),
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * A fingerprint as operators copy it: `openssl x509 -fingerprint -sha256` prints upper-case hex
 * with colons; the stored form is lower-case without. Null for anything else.
 */
export function normalizeFingerprint(value: string): string | null {
  const hex = value.replaceAll(':', '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
