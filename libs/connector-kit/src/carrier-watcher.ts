import { ConfigError } from '@tuxhat/config';
import { type PrismaClient, readConfigRevision } from '@tuxhat/database';
import { PeriodicSweep } from '@tuxhat/runtime';
import type { z } from 'zod';

import { type CarrierChange, type HeldCarrier, planCarrierChanges } from './carrier-changes';
import type { CarrierHealthReporter } from './carrier-health';
import {
  type CarrierLoadOptions,
  type CarrierRow,
  checkCarrierRow,
  isAssigned,
  readCarrierRows,
} from './carrier-loader';

/** The changes a connector carries out itself; the watcher reports the rest (rejected settings). */
export type AppliedCarrierChange<Settings> = Extract<
  CarrierChange<Settings>,
  { kind: 'changed' | 'enabled' | 'disabled' | 'added' }
>;

export interface CarrierWatcherOptions<
  Schema extends z.ZodType,
  Settings,
> extends CarrierLoadOptions<Schema> {
  readonly prisma: PrismaClient;
  /** Validated settings as the connector holds them (defaults applied). */
  readonly resolve: (parsed: z.infer<Schema>) => Settings;
  /** How often the config revision is read (default 1 000 ms, as ConfigSnapshot). */
  readonly pollMs?: number;
  readonly logger: { log(message: string): void; warn(message: string): void };
  /** The carriers the connector holds now. */
  readonly held: () => ReadonlyMap<string, HeldCarrier<Settings>>;
  /**
   * Carries a change out. A ConfigError (settings the schema lets through but a bind cannot
   * use: a secret not set, a TLS file not readable) rejects the change like a schema problem:
   * the connector must leave the carrier as it was before throwing it.
   */
  readonly apply: (change: AppliedCarrierChange<Settings>) => Promise<void>;
  /** A carrier's new settings were rejected, or are no longer (rejectedSettings tells which). */
  readonly onRejected?: (carrierId: string) => void;
  /**
   * Where a carrier the pod should serve but cannot take up (its settings rejected) is reported
   * unhealthy, so routing fails over from it instead of sending it what nobody will consume.
   */
  readonly health?: Pick<CarrierHealthReporter, 'register' | 'unregister'>;
  /**
   * Consumes the outbound topics of a carrier the pod should serve but cannot take up, once per
   * carrier: what routing sent it before the unhealthy report reached routing is there, and
   * the connector hands it back (sms.reroute, rejectedSettings says why) instead of leaving it
   * to wait until someone fixes the settings. A failure is tried again at the next poll.
   */
  readonly consumeRejected?: (carrierId: string) => Promise<void>;
  /**
   * Every row of the kind (held or not, enabled or not, settings unchecked) each time the
   * revision moves, before the changes are applied: from the same read, so no query is added.
   */
  readonly onRows?: (rows: readonly CarrierRow[]) => void;
}

/** How the log ends when a consumed stand-in is disabled or removed (Unserved). */
const HANDED_BACK = '; what still comes for it goes back to routing';

/**
 * Why a pod does not serve a carrier whose outbound topics it may consume: its settings were
 * rejected (the problems), or, consumed while they were, it was then disabled or removed
 * instead of fixed (a subscription is not undone while the pod runs).
 */
export type Unserved =
  | { readonly kind: 'rejected'; readonly problems: string }
  | { readonly kind: 'disabled' | 'removed' };

/**
 * Follows carrier changes made while a connector runs (admin API, config seeding: both bump the
 * config revision). When the revision moves it reads the assigned carriers, validates them as the
 * boot does, and hands the connector one change per carrier that differs from what it holds, one
 * at a time. A change that fails for another reason is tried again at the next poll (the plan is
 * a comparison with what the connector holds, so nothing is applied twice). Rejected settings
 * are logged once per distinct problem, not at every poll.
 */
export class CarrierWatcher<Schema extends z.ZodType, Settings> {
  private readonly sweep: PeriodicSweep<void>;
  private seen: bigint | undefined;
  private readonly rejected = new Map<string, string>();
  /** Rejected carriers the pod does not hold, reported unhealthy in their stead. */
  private readonly standIns = new Set<string>();
  /** Stand-ins whose outbound topics are consumed (consumeRejected). */
  private readonly consumed = new Set<string>();
  /** Consumed stand-ins since disabled or removed: what still comes for them goes back. */
  private readonly withdrawn = new Map<string, 'disabled' | 'removed'>();

  constructor(private readonly options: CarrierWatcherOptions<Schema, Settings>) {
    this.sweep = new PeriodicSweep({
      run: () => this.poll(),
      intervalMs: options.pollMs ?? 1_000,
      // At once: carriers the boot rejected are reported (and their messages handed back) now.
      firstDelayMs: 0,
      logger: options.logger,
      failureMessage: `${options.kind} carrier changes not applied (tried again)`,
    });
  }

  /**
   * Starts following. The first poll, right away, also catches a change made between loading and
   * now, and finds the carriers the boot rejected (loadCarriers): they are not held.
   */
  start(): void {
    this.sweep.start();
  }

  /** Why the carrier's new settings were rejected (it runs on, or stays off, as it was); undefined when they were not. */
  rejectedSettings(carrierId: string): string | undefined {
    return this.rejected.get(carrierId);
  }

  /**
   * Why the pod does not serve a carrier it does not hold (asked for a message that came for
   * it), or undefined when it may yet: being taken up, or not its carrier at all.
   */
  unserved(carrierId: string): Unserved | undefined {
    const problems = this.rejected.get(carrierId);
    if (problems !== undefined) return { kind: 'rejected', problems };
    const withdrawn = this.withdrawn.get(carrierId);
    return withdrawn && { kind: withdrawn };
  }

  /** Stops following; resolves once a change in hand is carried out. */
  stop(): Promise<void> {
    return this.sweep.stop();
  }

  private async poll(): Promise<void> {
    const { prisma, kind, assignment } = this.options;
    const revision = await readConfigRevision(prisma);
    if (revision === this.seen) return;
    const rows = (await readCarrierRows(prisma, kind, assignment)).filter(
      (row) => row.kind === kind,
    );
    this.options.onRows?.(rows);
    const current = rows
      .filter((row) => isAssigned(assignment, row.id))
      .map((row) => {
        const check = checkCarrierRow(row, this.options);
        return {
          id: row.id,
          enabled: row.enabled,
          check: check.ok
            ? ({
                ok: true,
                carrier: {
                  ...check.carrier,
                  settings: this.options.resolve(check.carrier.settings),
                },
              } as const)
            : check,
        };
      });
    const rejectedNow = new Map<string, readonly string[]>();
    let failure: Error | undefined;
    for (const change of planCarrierChanges(this.options.held(), current)) {
      if (change.kind === 'rejected') rejectedNow.set(change.id, change.problems);
      else {
        try {
          await this.options.apply(change);
        } catch (error) {
          const id = change.kind === 'disabled' ? change.id : change.carrier.id;
          if (error instanceof ConfigError) rejectedNow.set(id, error.problems);
          else failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
    }
    this.report(rejectedNow, new Map(current.map((row) => [row.id, row.enabled])));
    failure ??= await this.consumeStandIns();
    if (failure !== undefined) throw failure;
    this.seen = revision;
  }

  /** consumeRejected for each stand-in not consumed yet; the first failure, if any. */
  private async consumeStandIns(): Promise<Error | undefined> {
    const { consumeRejected } = this.options;
    if (!consumeRejected) return undefined;
    let failure: Error | undefined;
    for (const id of this.standIns) {
      if (this.consumed.has(id)) continue;
      try {
        await consumeRejected(id);
        this.consumed.add(id);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    return failure;
  }

  /** `enabled`: the assigned rows as read, by id (absent: removed from the table). */
  private report(
    rejectedNow: ReadonlyMap<string, readonly string[]>,
    enabled: ReadonlyMap<string, boolean>,
  ): void {
    for (const [id, was] of [...this.withdrawn]) {
      const row = enabled.get(id);
      // Enabled again: taken up, rejected again (rejected answers), or about to be taken up.
      if (row) this.withdrawn.delete(id);
      else if (row === undefined && was === 'disabled') {
        this.withdrawn.set(id, 'removed');
        this.options.logger.log(`carrier ${id}: removed from the carriers table${HANDED_BACK}`);
      }
    }
    for (const [id, problems] of rejectedNow) {
      const key = problems.join('; ');
      if (this.rejected.get(id) === key) continue;
      this.rejected.set(id, key);
      const held = this.options.held().get(id);
      this.options.logger.warn(
        held
          ? `carrier ${id}: new settings rejected, ${held.running ? 'it keeps running on its previous settings' : 'it stays stopped'}: ${key}`
          : `carrier ${id}: settings rejected, not taken up: ${key}`,
      );
      // A held carrier's own probe says it (rejectedSettings); one not held has none.
      if (!held && this.options.health) {
        this.standIns.add(id);
        this.options.health.register(id, () => ({
          healthy: false,
          bindsUp: 0,
          bindsConfigured: 0,
          detail: `not taken up, settings rejected: ${this.rejected.get(id) ?? key}`,
        }));
      }
      this.options.onRejected?.(id);
    }
    for (const id of [...this.rejected.keys()]) {
      if (rejectedNow.has(id)) continue;
      this.rejected.delete(id);
      const row = enabled.get(id);
      this.options.logger.log(
        row === true
          ? `carrier ${id}: settings valid again`
          : `carrier ${id}: ${row === undefined ? 'removed from' : 'disabled in'} the carriers table while its settings were rejected${HANDED_BACK}`,
      );
      // Taken up now (its own probe replaced the stand-in), or gone from the pod's carriers.
      if (this.standIns.delete(id) && !this.options.held().has(id)) {
        this.options.health?.unregister(id);
        if (row !== true && this.consumed.has(id)) {
          this.withdrawn.set(id, row === undefined ? 'removed' : 'disabled');
        }
      }
      this.consumed.delete(id);
      this.options.onRejected?.(id);
    }
  }
}
