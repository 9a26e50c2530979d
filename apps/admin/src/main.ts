// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { AdminKeyStore, startAdmin } from '@tuxhat/admin';
import { envTypes, parseEnv } from '@tuxhat/config';
import { createClusterRuntime, createLogger, runMain } from '@tuxhat/runtime';
import { z } from 'zod';

const adminEnv = z.object({
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: envTypes.port(8081),
  /** A file holding an admin key (e.g. a mounted Secret) registered at boot; must exist. */
  ADMIN_BOOTSTRAP_KEY_FILE: z.string().min(1).optional(),
  /** The bootstrap key's name: the actor its changes are audited under. */
  ADMIN_BOOTSTRAP_KEY_NAME: z.string().min(1).max(64).default('bootstrap'),
});

runMain(async () => {
  const env = parseEnv(adminEnv);
  const logger = createLogger('admin');
  const runtime = await createClusterRuntime('admin');
  try {
    if (env.ADMIN_BOOTSTRAP_KEY_FILE) {
      const { prefix } = await new AdminKeyStore(runtime.prisma).bootstrapFromFile(
        env.ADMIN_BOOTSTRAP_KEY_FILE,
        { name: env.ADMIN_BOOTSTRAP_KEY_NAME, createIfMissing: false },
      );
      logger.log(`admin key ${prefix} from ADMIN_BOOTSTRAP_KEY_FILE registered`);
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const admin = await startAdmin(runtime, {
    host: env.HTTP_HOST,
    port: env.HTTP_PORT,
    logger,
    onShutdown: runtime.close,
  });
  logger.log(`admin API on ${admin.url}/admin/v1, docs on ${admin.url}/admin/docs`);
});
