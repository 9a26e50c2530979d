/**
 * Writes a gateway config file's tenants, API keys, carriers and routes into the database
 * (cluster mode: run once per deployment after migrations; the Helm chart's hook runs it).
 *   DATABASE_URL=postgresql://... node dist/scripts/db/seed.js tuxhat.yaml
 */
import { ConfigError, loadGatewayConfig, seedGatewayConfig } from '@tuxhat/config';
import { createDatabase } from '@tuxhat/database';
import { runMain } from '@tuxhat/runtime';

runMain(async () => {
  const file = process.argv[2];
  if (!file) throw new ConfigError('command line', ['usage: seed.js <config file>']);
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError('environment', ['DATABASE_URL: required']);
  const config = loadGatewayConfig(file);
  const database = await createDatabase({ url });
  try {
    await seedGatewayConfig(database.prisma, config);
    process.stdout.write(
      `seeded ${config.tenants.length} tenant(s), ${config.carriers.length} carrier(s), ${config.routes.length} route(s)\n`,
    );
  } finally {
    await database.close();
  }
});
