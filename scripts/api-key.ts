/**
 * Generates a tenant API key: prints the key (give it to the tenant; it is not stored
 * anywhere) and the config entry that lets the gateway recognise it (prefix + SHA-256).
 *   node dist/scripts/api-key.js [name]
 */
import { generateApiKey } from '@tuxhat/config';

const name = process.argv[2] ?? 'default';
const { key, prefix, sha256 } = generateApiKey();
process.stdout.write(
  [
    `API key (shown once): ${key}`,
    '',
    'Config entry (tenants[].apiKeys):',
    `  - name: ${name}`,
    `    prefix: ${prefix}`,
    `    sha256: ${sha256}`,
    '',
  ].join('\n'),
);
