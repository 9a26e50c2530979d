import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { BindType } from '../transport/smpp-pdu';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './reconnect-backoff';

export interface EsmeClientOptions {
  host: string;
  port: number;
  /** bind system_id (SMPP 3.4 §5.2.1, up to 15 characters). */
  systemId: string;
  /** bind password (§5.2.2, up to 8 characters). */
  password: string;
  /** bind system_type (§5.2.3); empty by default. */
  systemType?: string;
  /** Default transceiver: one connection for MT, receipts and MO. */
  bindType?: BindType;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /** Maximum submit_sm awaiting submit_sm_resp (default 10). */
  windowSize?: number;
  /** Per-PDU response timeout for bind, submit_sm, enquire_link and unbind (default 10 000 ms). */
  responseTimeoutMs?: number;
  /** TCP/TLS connect timeout (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** enquire_link period while bound (default 30 000 ms; 0 disables). */
  enquireLinkIntervalMs?: number;
  /** Reconnect after losing a bind (default on: 1 s doubling to 30 s, 50 % jitter); false disables. */
  reconnect?: Partial<BackoffPolicy> | false;
  /** How long close() waits for outstanding responses, deliver handlers and unbind_resp (default 5 000 ms). */
  closeTimeoutMs?: number;
  /** Connect with TLS using these node:tls options. */
  tls?: TlsConnectionOptions;
  /** Randomness for back-off jitter (tests make it deterministic). */
  random?: () => number;
}

export interface ResolvedEsmeClientOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType: string;
  bindType: BindType;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
  windowSize: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  enquireLinkIntervalMs: number;
  reconnect: BackoffPolicy | false;
  closeTimeoutMs: number;
  tls: TlsConnectionOptions | undefined;
  random: () => number;
}

export function resolveEsmeClientOptions(options: EsmeClientOptions): ResolvedEsmeClientOptions {
  const resolved: ResolvedEsmeClientOptions = {
    host: options.host,
    port: options.port,
    systemId: options.systemId,
    password: options.password,
    systemType: options.systemType ?? '',
    bindType: options.bindType ?? 'transceiver',
    addrTon: options.addrTon ?? 0,
    addrNpi: options.addrNpi ?? 0,
    addressRange: options.addressRange ?? '',
    windowSize: options.windowSize ?? 10,
    responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30_000,
    reconnect: options.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...options.reconnect },
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
    tls: options.tls,
    random: options.random ?? Math.random,
  };
  // SMPP 3.4 §4.1.1 field limits (C-Octet Strings incl. the NUL): system_id 16, password 9, system_type 13.
  if (resolved.systemId.length > 15)
    throw new RangeError('systemId is longer than 15 characters (SMPP 3.4 §4.1.1)');
  if (resolved.password.length > 8)
    throw new RangeError('password is longer than 8 characters (SMPP 3.4 §4.1.1)');
  if (resolved.systemType.length > 12)
    throw new RangeError('systemType is longer than 12 characters (SMPP 3.4 §4.1.1)');
  for (const key of ['windowSize', 'responseTimeoutMs', 'connectTimeoutMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new RangeError(`${key} must be a positive integer`);
  }
  if (!Number.isInteger(resolved.enquireLinkIntervalMs) || resolved.enquireLinkIntervalMs < 0) {
    throw new RangeError('enquireLinkIntervalMs must be 0 (off) or a positive integer');
  }
  return resolved;
}
