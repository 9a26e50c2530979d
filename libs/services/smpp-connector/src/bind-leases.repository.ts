import type { PrismaClient } from '@tuxhat/database';

/** How long a slot stays held without renewal (database time: clocks of pods do not matter). */
export const LEASE_TTL_MS = 30_000;

/**
 * Slots of a carrier's bind limit (`maxBinds`) held in the database by connector processes
 * (smpp_bind_leases). A process opens a bind only for a slot it holds, renews its slots every
 * few seconds, and releases them on shutdown; the slots of a process that died expire. So
 * however many pods run, the carrier never sees more than `maxBinds` binds of this account.
 * Every statement is one round trip per carrier per renewal, off the hot path.
 */
export class BindLeases {
  constructor(
    private readonly prisma: PrismaClient,
    /** This process: pod name plus a per-process id, so a restarted pod is a new holder. */
    readonly holder: string,
    private readonly ttlMs: number = LEASE_TTL_MS,
  ) {}

  /**
   * Renews what this process holds of the carrier and claims free (or expired) slots until it
   * holds `wanted` (at most `maxBinds` exist); gives back any beyond `wanted`. Returns the
   * number of slots held now.
   */
  async hold(carrierId: string, wanted: number, maxBinds: number): Promise<number> {
    const ttlSeconds = this.ttlMs / 1_000;
    const renewed = await this.prisma.$queryRaw<{ slot: number }[]>`
      UPDATE smpp_bind_leases SET expires_at = now() + make_interval(secs => ${ttlSeconds})
      WHERE carrier_id = ${carrierId} AND holder = ${this.holder} AND slot < ${maxBinds}
      RETURNING slot`;
    const held = new Set(renewed.map((row) => row.slot));
    if (held.size > wanted) {
      const extra = [...held].sort((a, b) => b - a).slice(0, held.size - wanted);
      await this.prisma.$executeRaw`
        DELETE FROM smpp_bind_leases
        WHERE carrier_id = ${carrierId} AND holder = ${this.holder} AND slot = ANY(${extra})`;
      for (const slot of extra) held.delete(slot);
    }
    for (let slot = 0; slot < maxBinds && held.size < wanted; slot++) {
      if (held.has(slot)) continue;
      // Takes the slot only when nobody holds it, or its holder stopped renewing it.
      const claimed = await this.prisma.$queryRaw<{ slot: number }[]>`
        INSERT INTO smpp_bind_leases (carrier_id, slot, holder, expires_at)
        VALUES (${carrierId}, ${slot}, ${this.holder}, now() + make_interval(secs => ${ttlSeconds}))
        ON CONFLICT (carrier_id, slot) DO UPDATE
          SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
          WHERE smpp_bind_leases.expires_at < now()
        RETURNING slot`;
      if (claimed.length > 0) held.add(slot);
    }
    return held.size;
  }

  /** Gives back every slot this process holds (shutdown). */
  async releaseAll(): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM smpp_bind_leases WHERE holder = ${this.holder}`;
  }
}
