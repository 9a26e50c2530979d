import { ConfigError, type GatewayConfig } from '@tuxhat/config';
import { checkSmppCarrierUsable } from '@tuxhat/smpp-connector';
import { checkSnsCarrierUsable } from '@tuxhat/sns-connector';

/**
 * The config file's carriers are configuration, written to the carriers table at every boot: an
 * enabled one the connectors could not take up (a password variable not set, a TLS file not
 * readable) stops the boot naming carrier and key, before anything starts. Carriers added
 * through the admin API are data: a connector that cannot use one runs the others and reports
 * it unhealthy (loadCarriers).
 */
export function checkConfiguredCarriers(config: GatewayConfig, source: string): void {
  const problems = config.carriers.flatMap((carrier) => {
    if (!carrier.enabled) return [];
    const { id, name } = carrier;
    try {
      if (carrier.kind === 'smpp') checkSmppCarrierUsable({ id, name, settings: carrier.smpp });
      else checkSnsCarrierUsable({ id, name, settings: carrier.sns });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  });
  if (problems.length > 0) throw new ConfigError(source, problems);
}
