import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type GatewayConfig, apiKeyPrefix, generateApiKey, hashApiKey } from '@tuxhat/config';

export const DEMO_TENANT = 'demo';
export const SIMULATOR_CARRIER = 'simulator';

/**
 * The demo a newcomer gets from `npm start`: one tenant, the built-in simulator as its
 * carrier, one route. The tenant's API key is generated on first start and kept (mode 0600)
 * in the data directory so that every start can show it again; only its hash is in the database.
 */
export function demoConfig(
  dataDir: string,
  simulator: { port: number; password: string },
): {
  config: GatewayConfig;
  apiKey: string;
} {
  const apiKey = demoApiKey(dataDir);
  const prefix = apiKeyPrefix(apiKey);
  if (!prefix) throw new Error(`${join(dataDir, 'demo-api-key')} does not hold a valid key`);
  return {
    apiKey,
    config: {
      tenants: [
        {
          id: DEMO_TENANT,
          name: 'Demo tenant',
          status: 'active',
          apiKeys: [{ name: 'demo', prefix, sha256: hashApiKey(apiKey), scopes: ['send', 'read'] }],
        },
      ],
      carriers: [
        {
          id: SIMULATOR_CARRIER,
          name: 'Built-in SMSC simulator',
          kind: 'smpp',
          enabled: true,
          smpp: {
            host: '127.0.0.1',
            port: simulator.port,
            systemId: 'tuxhat',
            password: simulator.password,
            systemType: '',
            bindMode: 'transceiver',
            windowSize: 50,
            enquireLinkSeconds: 30,
            responseTimeoutMs: 10_000,
          },
        },
      ],
      routes: [{ id: 'default', priority: 100, carrier: SIMULATOR_CARRIER }],
    },
  };
}

function demoApiKey(dataDir: string): string {
  const file = join(dataDir, 'demo-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const { key } = generateApiKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

/** The simulator's bind password: random per data directory, so the demo carries no fixed secret. */
export function simulatorPassword(dataDir: string): string {
  const file = join(dataDir, 'simulator-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const password = generateApiKey().key.slice(-8);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}
