import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type GeneratedApiKey, generateApiKey } from '@tuxhat/config';
import { stringify } from 'yaml';

export interface E2eTenant {
  readonly id: string;
  readonly key: GeneratedApiKey;
}

export interface E2eCarrier {
  readonly id: string;
  readonly port: number;
  readonly password: string;
  /** Route destinations with this E.164 prefix to the carrier. */
  readonly prefix: string;
  /** The receipts submit_sm asks for (registered_delivery); the gateway's default otherwise. */
  readonly registeredDelivery?: 'final' | 'failure' | 'none';
}

/** Writes a gateway config file for a test: tenants with fresh API keys, one route per carrier. */
export function writeGatewayConfig(
  tenantIds: readonly string[],
  carriers: readonly E2eCarrier[],
): {
  file: string;
  tenants: E2eTenant[];
} {
  const tenants = tenantIds.map((id) => ({ id, key: generateApiKey() }));
  const config = {
    tenants: tenants.map((tenant) => ({
      id: tenant.id,
      name: `Tenant ${tenant.id}`,
      apiKeys: [{ name: 'e2e', prefix: tenant.key.prefix, sha256: tenant.key.sha256 }],
    })),
    carriers: carriers.map((carrier) => ({
      id: carrier.id,
      name: `Simulator ${carrier.id}`,
      kind: 'smpp',
      smpp: {
        host: '127.0.0.1',
        port: carrier.port,
        systemId: 'tuxhat',
        password: carrier.password,
        windowSize: 20,
        ...(carrier.registeredDelivery ? { registeredDelivery: carrier.registeredDelivery } : {}),
      },
    })),
    routes: carriers.map((carrier, index) => ({
      id: `via-${carrier.id}`,
      priority: index,
      destinationPrefix: carrier.prefix,
      carrier: carrier.id,
    })),
  };
  const file = join(mkdtempSync(join(tmpdir(), 'tuxhat-e2e-')), 'tuxhat.yaml');
  writeFileSync(file, stringify(config));
  return { file, tenants };
}
