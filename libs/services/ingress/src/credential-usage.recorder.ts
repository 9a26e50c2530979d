import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Prisma, type PrismaClient } from '@tuxhat/database';
import { PRISMA, PeriodicSweep } from '@tuxhat/runtime';

import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

/**
 * When each credential was last used (`api_keys.last_used_at`, `client_certificates.last_used_at`),
 * written in batches: a request only notes the time in memory, and one UPDATE per table every few
 * seconds writes every credential used since (never a write per request). The columns move
 * forward only, so replicas writing at once cannot move them back.
 */
@Injectable()
export class CredentialUsageRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CredentialUsageRecorder.name);
  /** By API key id. */
  private readonly keys = new PendingUses();
  /** By client certificate fingerprint. */
  private readonly certificates = new PendingUses();
  private readonly sweep: PeriodicSweep<void>;
  private flushing: Promise<void> | null = null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(INGRESS_OPTIONS) options: ResolvedIngressOptions,
  ) {
    this.sweep = new PeriodicSweep({
      run: () => this.flush(),
      intervalMs: options.keyUsageFlushMs,
      logger: this.logger,
      // flush() logs its own failures and never throws.
      failureMessage: 'recording credential use failed',
    });
  }

  onModuleInit(): void {
    this.sweep.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep.stop();
    await this.flush();
  }

  keyUsed(keyId: string, at: Date): void {
    this.keys.note(keyId, at);
  }

  certificateUsed(fingerprint: string, at: Date): void {
    this.certificates.note(fingerprint, at);
  }

  /** Writes what was noted so far; concurrent calls share one write. Never throws. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async write(): Promise<void> {
    await Promise.all([
      this.update(this.keys, 'API key', (ids, times) =>
        this.prisma.$executeRaw(Prisma.sql`
          UPDATE api_keys AS k SET last_used_at = u.at
          FROM unnest(${ids}::text[], ${times}::timestamptz[]) AS u (id, at)
          WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`),
      ),
      this.update(this.certificates, 'client certificate', (fingerprints, times) =>
        this.prisma.$executeRaw(Prisma.sql`
          UPDATE client_certificates AS c SET last_used_at = u.at
          FROM unnest(${fingerprints}::text[], ${times}::timestamptz[]) AS u (fingerprint, at)
          WHERE c.fingerprint = u.fingerprint
            AND (c.last_used_at IS NULL OR c.last_used_at < u.at)`),
      ),
    ]);
  }

  private async update(
    pending: PendingUses,
    what: string,
    statement: (ids: string[], times: string[]) => Promise<unknown>,
  ): Promise<void> {
    const batch = pending.take();
    if (batch.size === 0) return;
    const ids = [...batch.keys()];
    try {
      await statement(
        ids,
        ids.map((id) => batch.get(id)!.toISOString()),
      );
    } catch (error) {
      // Bookkeeping only: keep the times for the next round rather than fail anything.
      for (const [id, at] of batch) pending.note(id, at);
      this.logger.warn(`could not record ${what} use: ${String(error)}`);
    }
  }
}

/** The latest use of each credential since the last write. */
class PendingUses {
  private uses = new Map<string, Date>();

  note(id: string, at: Date): void {
    const known = this.uses.get(id);
    if (!known || known < at) this.uses.set(id, at);
  }

  /** What was noted, leaving nothing behind. */
  take(): Map<string, Date> {
    const taken = this.uses;
    this.uses = new Map();
    return taken;
  }
}
