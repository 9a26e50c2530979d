import { ConfigError, resolveSecret } from '@tuxhat/config';
import { EsmeClient, type EsmeClientOptions } from '@tuxhat/smpp';

import type { SmppCarrier } from './smpp-carrier.repository';
import type { SmppConnectorOptions } from './smpp-connector.options';

/**
 * The ESME client options of a carrier's bind: its settings, its password resolved from the
 * environment (or inline, in development), and the connector-wide tuning.
 */
export function esmeClientOptionsFor(
  carrier: SmppCarrier,
  tuning: Pick<SmppConnectorOptions, 'reconnect' | 'closeTimeoutMs'>,
  env: NodeJS.ProcessEnv = process.env,
): EsmeClientOptions {
  const settings = carrier.settings;
  return {
    host: settings.host,
    port: settings.port,
    systemId: settings.systemId,
    password: resolveSecret(settings.password, `carriers[${carrier.id}].smpp.password`, env),
    systemType: settings.systemType,
    bindType: settings.bindMode,
    windowSize: settings.windowSize,
    responseTimeoutMs: settings.responseTimeoutMs,
    connectTimeoutMs: settings.responseTimeoutMs,
    enquireLinkIntervalMs: settings.enquireLinkSeconds * 1_000,
    ...(tuning.reconnect ? { reconnect: tuning.reconnect } : {}),
    ...(tuning.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: tuning.closeTimeoutMs }),
  };
}

/**
 * A carrier's ESME client, not connected yet. Settings the config schema lets through but a
 * bind cannot carry (SMPP 3.4 §4.1.1: system_id up to 15 characters, password up to 8) stop the
 * boot as a ConfigError naming the carrier.
 */
export function createEsmeClient(
  carrier: SmppCarrier,
  tuning: Pick<SmppConnectorOptions, 'reconnect' | 'closeTimeoutMs'>,
  env: NodeJS.ProcessEnv = process.env,
): EsmeClient {
  const options = esmeClientOptionsFor(carrier, tuning, env);
  try {
    return new EsmeClient(options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ConfigError('carriers table', [`carriers[${carrier.id}].smpp: ${error.message}`]);
  }
}
