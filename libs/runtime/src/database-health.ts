import type { PrismaClient } from '@tuxhat/database';
import { type HealthChecks, cachedCheck, processHealth } from '@tuxhat/observability';

/** A probe costs at most one `SELECT 1` per this long, however many kubelets ask. */
const DATABASE_CHECK_TTL_MS = 5_000;

const registrations = new WeakMap<PrismaClient, { users: number; unregister: () => void }>();

/**
 * Adds the readiness check `database` (a cached `SELECT 1`) for this client, once however many
 * services of the process share it (all-in-one mode); the returned function releases this
 * caller's share and removes the check with the last one. Not a liveness check: restarting a
 * pod does not bring a database back.
 */
export function registerDatabaseCheck(
  prisma: PrismaClient,
  health: HealthChecks = processHealth(),
): () => void {
  let entry = registrations.get(prisma);
  if (!entry) {
    const check = cachedCheck(async () => {
      await prisma.$queryRaw`SELECT 1`;
      return { ok: true };
    }, DATABASE_CHECK_TTL_MS);
    const unregister = health.register({ name: 'database', probes: ['readiness'], check });
    entry = { users: 0, unregister };
    registrations.set(prisma, entry);
  }
  entry.users += 1;
  let released = false;
  const registered = entry;
  return () => {
    if (released) return;
    released = true;
    registered.users -= 1;
    if (registered.users === 0) {
      registered.unregister();
      registrations.delete(prisma);
    }
  };
}
