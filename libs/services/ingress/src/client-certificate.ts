import { TLSSocket } from 'node:tls';

import type { ServerUnaryCall } from '@grpc/grpc-js';
import { certificateFingerprint } from '@tuxhat/config';

/**
 * The fingerprint of the client certificate a REST connection presented, when the TLS handshake
 * verified it against the listener's client CAs (`authorized`); undefined for plaintext, no
 * certificate, or one from another CA (the listener asks without insisting, see httpsOptions).
 */
export function clientCertificateOf(socket: unknown): string | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const raw = socket.getPeerCertificate().raw as Buffer | undefined;
  return raw ? certificateFingerprint(raw) : undefined;
}

/** The same for a gRPC call: grpc-js gives a call the peer certificate only when authorized. */
export function grpcClientCertificateOf(
  call: Pick<ServerUnaryCall<unknown, unknown>, 'getAuthContext'>,
): string | undefined {
  const raw = call.getAuthContext()?.sslPeerCertificate?.raw as Buffer | undefined;
  return raw ? certificateFingerprint(raw) : undefined;
}
