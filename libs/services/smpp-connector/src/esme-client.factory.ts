import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

import { ConfigError, resolveSecret } from '@tuxhat/config';
import { type BindType, EsmeClient, type EsmeClientOptions } from '@tuxhat/smpp';

import type { SmppCarrier, SmppSettings } from './smpp-carrier.repository';
import type { SmppConnectorOptions } from './smpp-connector.options';

export type ClientTuning = Pick<SmppConnectorOptions, 'reconnect' | 'closeTimeoutMs'>;

/** Reads a PEM file named in the settings (tests pass their own). */
export type FileReader = (path: string) => Buffer;

/**
 * The ESME client options of one of a carrier's binds: its settings, its password resolved
 * from the environment (or inline, in development), TLS material read from files, and the
 * connector-wide tuning.
 */
export function esmeClientOptionsFor(
  carrier: SmppCarrier,
  bindType: BindType,
  tuning: ClientTuning,
  env: NodeJS.ProcessEnv = process.env,
  readFile: FileReader = readFileSync,
): EsmeClientOptions {
  const settings = carrier.settings;
  return {
    host: settings.host,
    port: settings.port,
    systemId: settings.systemId,
    password: resolveSecret(settings.password, `carriers[${carrier.id}].smpp.password`, env),
    systemType: settings.systemType,
    bindType,
    addrTon: settings.addrTon,
    addrNpi: settings.addrNpi,
    addressRange: settings.addressRange,
    windowSize: settings.windowSize,
    responseTimeoutMs: settings.responseTimeoutMs,
    connectTimeoutMs: settings.responseTimeoutMs,
    enquireLinkIntervalMs: settings.enquireLinkSeconds * 1_000,
    ...(settings.tls ? { tls: tlsOptionsFor(carrier.id, settings, readFile) } : {}),
    ...(tuning.reconnect ? { reconnect: tuning.reconnect } : {}),
    ...(tuning.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: tuning.closeTimeoutMs }),
  };
}

/**
 * node:tls options for SMPP over TLS. The SMSC's certificate is verified (against `caFile`, or
 * the system's CAs) unless the carrier explicitly says otherwise; a client certificate is sent
 * when the carrier wants mutual TLS. A file that cannot be read throws a ConfigError naming the
 * key (the carrier is not taken up, or keeps its previous settings).
 */
export function tlsOptionsFor(
  carrierId: string,
  settings: Pick<SmppSettings, 'host' | 'tls'>,
  readFile: FileReader = readFileSync,
): TlsConnectionOptions {
  const tls = settings.tls;
  if (!tls) return {};
  const read = (key: 'caFile' | 'certFile' | 'keyFile', path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch (error) {
      throw new ConfigError('carriers table', [
        `carriers[${carrierId}].smpp.tls.${key}: cannot read ${path} (${error instanceof Error ? error.message : String(error)})`,
      ]);
    }
  };
  const ca = read('caFile', tls.caFile);
  const cert = read('certFile', tls.certFile);
  const key = read('keyFile', tls.keyFile);
  const servername = tls.servername ?? (isIpAddress(settings.host) ? undefined : settings.host);
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(servername ? { servername } : {}),
  };
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/**
 * The ESME client of one bind, not connected yet. Settings the config schema lets through but a
 * bind cannot carry (SMPP 3.4 §4.1.1: system_id up to 15 characters, password up to 8) throw a
 * ConfigError naming the carrier.
 */
export function createEsmeClient(
  carrier: SmppCarrier,
  bindType: BindType,
  tuning: ClientTuning,
  env: NodeJS.ProcessEnv = process.env,
  readFile: FileReader = readFileSync,
): EsmeClient {
  const options = esmeClientOptionsFor(carrier, bindType, tuning, env, readFile);
  try {
    return new EsmeClient(options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ConfigError('carriers table', [`carriers[${carrier.id}].smpp: ${error.message}`]);
  }
}
