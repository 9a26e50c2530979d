import { X509Certificate, createHash } from 'node:crypto';

/**
 * A TLS client certificate's identity: the lower-case hex SHA-256 of its DER encoding, what
 * `openssl x509 -noout -fingerprint -sha256` prints, without the colons. The admin API stores
 * it when an operator registers a certificate; ingress computes it from the certificate a
 * connection presented and looks it up.
 */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** What an operator sees of a registered certificate (the PEM itself is not kept). */
export interface ClientCertificateFacts {
  readonly fingerprint: string;
  /** One line, e.g. `CN=acme-client, O=Acme`. */
  readonly subject: string;
  readonly issuer: string;
  /** Upper-case hex, as openssl prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A CA certificate (basicConstraints CA:TRUE) identifies no client. */
  readonly isCa: boolean;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads one PEM certificate; null when the text holds no certificate, several (a chain: the
 * client's own certificate is the one to register), or one that does not parse.
 */
export function readClientCertificate(pem: string): ClientCertificateFacts | null {
  const blocks = pem.match(PEM_CERTIFICATE);
  if (blocks?.length !== 1) return null;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(blocks[0]);
  } catch {
    return null;
  }
  return {
    fingerprint: certificateFingerprint(certificate.raw),
    subject: oneLine(certificate.subject),
    issuer: oneLine(certificate.issuer),
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    isCa: certificate.ca,
  };
}

/** Node prints a distinguished name one attribute a line. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
