/**
 * Operators' admin API keys (see libs/services/admin/README.md), in the database DATABASE_URL
 * names. The key is printed once by `create` and stored only as prefix + SHA-256.
 *   node dist/scripts/admin-key.js create --name <name>   # the name is the audit log's actor
 *   node dist/scripts/admin-key.js list
 *   node dist/scripts/admin-key.js revoke <prefix>        # e.g. tha_k3x9m2pq
 * (All-in-one on its embedded database: use ADMIN_BOOTSTRAP_KEY_FILE instead; the gateway holds
 * the database while it runs.)
 */
import { AdminKeyStore } from '@tuxhat/admin';
import { ConfigError } from '@tuxhat/config';
import { createDatabase } from '@tuxhat/database';
import { runMain } from '@tuxhat/runtime';

const USAGE = 'usage: admin-key.js create --name <name> | list | revoke <prefix>';

runMain(async () => {
  const [command, ...args] = process.argv.slice(2);
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError('environment', ['DATABASE_URL: required']);
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    throw new ConfigError('command line', [USAGE]);
  }
  const database = await createDatabase({ url, applicationName: 'tuxhat-admin-key' });
  try {
    const store = new AdminKeyStore(database.prisma);
    switch (command) {
      case 'create': {
        const name = args[0] === '--name' ? args[1] : undefined;
        if (!name) throw new ConfigError('command line', [USAGE]);
        const { key, view } = await store.create(name);
        process.stdout.write(
          `Admin key "${view.name}" (shown once, keep it in a secret store):\n${key}\n`,
        );
        break;
      }
      case 'list':
        for (const key of await store.list()) {
          process.stdout.write(
            `${key.prefix}  ${key.name}  created ${key.createdAt}${key.revokedAt ? `  revoked ${key.revokedAt}` : ''}\n`,
          );
        }
        break;
      case 'revoke': {
        const prefix = args[0];
        if (!prefix) throw new ConfigError('command line', [USAGE]);
        if (!(await store.revoke(prefix))) {
          throw new ConfigError('command line', [`no admin key with prefix ${prefix}`]);
        }
        process.stdout.write(`revoked ${prefix}\n`);
        break;
      }
    }
  } finally {
    await database.close();
  }
});
