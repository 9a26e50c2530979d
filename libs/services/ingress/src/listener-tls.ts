import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError } from '@tuxhat/config';
import { z } from 'zod';

/**
 * TLS of the tenant API's listeners, REST and gRPC alike, as PEM text (text, not Buffers: it
 * crosses to the all-in-one gateway's ingress thread unchanged).
 */
export interface ListenerTls {
  readonly cert: string;
  readonly key: string;
  /**
   * CAs whose client certificates are asked for. A client without one still connects (and
   * authenticates with an API key); one that chains to these CAs may authenticate with it.
   */
  readonly clientCa?: string;
  /**
   * The files it was read from, looked at again every `intervalMs`: a renewed certificate (e.g.
   * cert-manager updating the Secret) is served without a restart (see ListenerTlsReloader).
   */
  readonly reload?: { readonly files: IngressTlsFiles; readonly intervalMs: number };
}

/** The environment turning TLS on (ingress in cluster mode, the all-in-one gateway). */
export const ingressTlsEnvSchema = z.object({
  /** Server certificate (PEM, chain after it). Unset: the listeners speak plaintext. */
  INGRESS_TLS_CERT_FILE: z.string().min(1).optional(),
  /** Its private key (PEM). */
  INGRESS_TLS_KEY_FILE: z.string().min(1).optional(),
  /** CAs of tenants' client certificates (PEM). Unset: no client certificate is asked for. */
  INGRESS_TLS_CLIENT_CA_FILE: z.string().min(1).optional(),
  /** How often the three files are read again, so a renewed certificate needs no restart. */
  INGRESS_TLS_RELOAD_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
});

export type IngressTlsEnv = z.input<typeof ingressTlsEnvSchema>;
export type IngressTlsFiles = Omit<IngressTlsEnv, 'INGRESS_TLS_RELOAD_SECONDS'>;

/**
 * Reads the TLS files at boot. Anything wrong (a file missing or not PEM, a key without its
 * certificate, a key that is not the certificate's) stops the boot naming the variable.
 */
export function readListenerTls(env: IngressTlsEnv): ListenerTls | undefined {
  const tls = readTlsFiles(env);
  if (!tls) return undefined;
  const seconds = Number(env.INGRESS_TLS_RELOAD_SECONDS ?? 60);
  const files: IngressTlsFiles = {
    INGRESS_TLS_CERT_FILE: env.INGRESS_TLS_CERT_FILE,
    INGRESS_TLS_KEY_FILE: env.INGRESS_TLS_KEY_FILE,
    ...(env.INGRESS_TLS_CLIENT_CA_FILE
      ? { INGRESS_TLS_CLIENT_CA_FILE: env.INGRESS_TLS_CLIENT_CA_FILE }
      : {}),
  };
  return { ...tls, reload: { files, intervalMs: seconds * 1_000 } };
}

/** The PEM text of the files, checked as at boot (the reloader reads them with this too). */
export function readTlsFiles(env: IngressTlsFiles): ListenerTls | undefined {
  const { INGRESS_TLS_CERT_FILE: certFile, INGRESS_TLS_KEY_FILE: keyFile } = env;
  const caFile = env.INGRESS_TLS_CLIENT_CA_FILE;
  if (!certFile) {
    if (keyFile) throw tlsError('INGRESS_TLS_CERT_FILE: required with INGRESS_TLS_KEY_FILE');
    if (caFile) {
      throw tlsError(
        'INGRESS_TLS_CERT_FILE: required with INGRESS_TLS_CLIENT_CA_FILE (client certificates need TLS)',
      );
    }
    return undefined;
  }
  if (!keyFile) throw tlsError('INGRESS_TLS_KEY_FILE: required with INGRESS_TLS_CERT_FILE');
  const tls: ListenerTls = {
    cert: readPem('INGRESS_TLS_CERT_FILE', certFile, (pem) => new X509Certificate(pem)),
    key: readPem('INGRESS_TLS_KEY_FILE', keyFile, (pem) => createPrivateKey(pem)),
    ...(caFile
      ? {
          clientCa: readPem(
            'INGRESS_TLS_CLIENT_CA_FILE',
            caFile,
            (pem) => new X509Certificate(pem),
          ),
        }
      : {}),
  };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw tlsError(
      `INGRESS_TLS_KEY_FILE: does not go with INGRESS_TLS_CERT_FILE (${(error as Error).message})`,
    );
  }
  return tls;
}

/**
 * Fastify's `https` options. With client CAs the server asks for a certificate but does not
 * insist (API keys keep working on the same listener); whether the one presented chains to
 * those CAs is judged per request from `socket.authorized` (see clientCertificateOf).
 */
export function httpsOptions(tls: ListenerTls) {
  return {
    ...secureContextOptions(tls),
    ...(tls.clientCa ? { requestCert: true, rejectUnauthorized: false } : {}),
  };
}

/** What a listener's secure context is made of; also what replaces it on a reload. */
export function secureContextOptions(tls: ListenerTls) {
  return { cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa } : {}) };
}

/**
 * The gRPC listener's credentials: the same certificate and client CAs as REST, replaceable
 * while it serves. grpc-js's createSsl can neither be updated nor ask for a client certificate
 * without requiring one (Node's rejectUnauthorized defaults to true with requestCert); these
 * ask without requiring, as REST does, and grpc-js then hands a call the peer certificate only
 * when the connection is authorized.
 */
export class ListenerServerCredentials extends ServerCredentials {
  constructor(tls: ListenerTls) {
    super(
      tls.clientCa ? { requestCert: true, rejectUnauthorized: false } : { requestCert: false },
      secureContextOptions(tls),
    );
  }

  /** Serves new connections with this certificate (grpc-js sets it on its listening servers). */
  update(tls: ListenerTls): void {
    this.updateSecureContextOptions(secureContextOptions(tls));
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

function readPem(variable: string, file: string, parse: (pem: string) => unknown): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw tlsError(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    parse(pem);
  } catch {
    throw tlsError(
      `${variable}: ${file} holds no PEM ${variable.includes('KEY') ? 'key' : 'certificate'}`,
    );
  }
  return pem;
}

function tlsError(problem: string): ConfigError {
  return new ConfigError('environment', [problem]);
}
