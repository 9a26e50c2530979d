import { Inject, Injectable } from '@nestjs/common';
import type { MessageFields } from '@tuxhat/contracts';
import { $Enums, type PrismaClient, type SqlSession, sqlOf } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import { CompiledPolicy } from '../compiled-policy';
import { type HoldStage, type Outcome, acceptDetail } from '../decision';
import { POLICY_OPTIONS, type ResolvedPolicyOptions } from '../policy.options';
import { PRICE_QUOTER, type PriceQuoter } from '../prepaid/price-quoter';
import { monthOf } from '@tuxhat/contracts';
import type { Precheck } from '../stateless-rules';
import type { TenantPolicyEntry } from '../tenant-policies';
import {
  type DecisionRow,
  type HeldRow,
  type LedgerWrites,
  type PriorDecision,
  type StateQuery,
  type StoredState,
  ledgerRepository as repo,
  usageKey,
} from './ledger.repository';
import { type LedgerState, type Price, TenantLedger, type UsageWarning } from './tenant-ledger';

/** Where a message comes from: Kafka (first delivery or a redelivery), or the held-message releaser. */
export type LedgerSource = 'submitted' | HoldStage;

export interface LedgerItem {
  readonly message: MessageFields;
  readonly entry: TenantPolicyEntry | undefined;
  /** The stateless rules' verdict (not consulted for paced messages). */
  readonly precheck: Precheck;
  readonly source: LedgerSource;
}

export interface LedgerResult {
  readonly outcomes: ReadonlyMap<string, Outcome>;
  readonly warnings: readonly {
    readonly tenantId: string;
    readonly timeZone: string;
    readonly warning: UsageWarning;
  }[];
}

/**
 * Applies the stateful rules to a batch in one transaction under the batch's tenant locks:
 * earlier decisions (a redelivery gets the same answer, never counted twice), monthly usage,
 * prepaid balances and reservations, in-flight slots, the rate limiter, held messages.
 */
@Injectable()
export class PolicyLedger {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(PRICE_QUOTER) private readonly prices: PriceQuoter,
    @Inject(POLICY_OPTIONS) private readonly options: ResolvedPolicyOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply(items: readonly LedgerItem[]): Promise<LedgerResult> {
    if (items.length === 0) return { outcomes: new Map(), warnings: [] };
    const quotes = await this.quote(items);
    return sqlOf(this.prisma).transaction((tx) => this.decide(tx, items, quotes));
  }

  private async quote(
    items: readonly LedgerItem[],
  ): Promise<ReadonlyMap<string, Price | undefined>> {
    const priced = items.filter(
      (item) =>
        item.source !== 'paced' &&
        item.precheck.kind === 'pass' &&
        item.entry?.policy instanceof CompiledPolicy &&
        item.entry.policy.prepaid,
    );
    return priced.length > 0 ? this.prices.quote(priced.map((item) => item.message)) : new Map();
  }

  private async decide(
    tx: SqlSession,
    items: readonly LedgerItem[],
    quotes: ReadonlyMap<string, Price | undefined>,
  ): Promise<LedgerResult> {
    await repo.lockTenants(
      tx,
      items.map((item) => item.message.tenantId),
    );
    // The time is read once the locks are held: a batch that waited for another one (another
    // lane, another replica) must not move the rate limiter with an older time.
    const now = this.clock.now();
    const nowMs = now.getTime();
    const stored = await repo.read(tx, this.stateQuery(items, nowMs));
    const prior = stored.prior;

    const outcomes = new Map<string, Outcome>();
    const decisions: DecisionRow[] = [];
    const held: HeldRow[] = [];
    const pending: LedgerItem[] = [];
    const replayedTenants = new Set<string>();

    const record = (item: LedgerItem, outcome: Outcome, month: string | null) => {
      outcomes.set(item.message.messageId, outcome);
      if (outcome.kind === 'none') return;
      if (outcome.kind === 'hold') {
        held.push({ message: item.message, stage: outcome.stage, releaseAt: outcome.releaseAt });
        if (!outcome.announce) return;
      }
      decisions.push({
        messageId: item.message.messageId,
        tenantId: item.message.tenantId,
        outcome:
          outcome.kind === 'accept'
            ? $Enums.PolicyOutcome.accepted
            : outcome.kind === 'reject'
              ? $Enums.PolicyOutcome.rejected
              : $Enums.PolicyOutcome.held,
        month,
        parts: item.message.parts,
        detail: outcome.detail,
        reason: outcome.kind === 'reject' ? outcome.reason : null,
      });
    };

    for (const item of items) {
      const earlier = prior.get(item.message.messageId);
      if (earlier && (item.source === 'submitted' || earlier.outcome !== 'held')) {
        outcomes.set(item.message.messageId, replay(earlier));
        replayedTenants.add(item.message.tenantId);
        continue;
      }
      const policy = validPolicy(item.entry);
      if (item.source === 'paced') {
        // Already counted and reserved when it was queued; only the in-flight limit is left
        // (none when the policy changed meanwhile and keeps no state any more).
        if (policy?.stateful) pending.push(item);
        else {
          const label = policy?.label ?? 'default';
          record(
            item,
            { kind: 'accept', detail: acceptDetail(label, ['released from the rate queue']) },
            null,
          );
        }
        continue;
      }
      const check = item.precheck;
      if (check.kind === 'reject') record(item, { ...check }, null);
      else if (check.kind === 'defer') {
        record(
          item,
          {
            kind: 'hold',
            stage: 'window',
            releaseAt: check.releaseAt,
            detail: check.detail,
            announce: true,
          },
          null,
        );
      } else if (policy?.stateful) pending.push(item);
      else {
        const label = policy?.label ?? 'default';
        record(item, { kind: 'accept', detail: acceptDetail(label, check.notes) }, null);
      }
    }

    const ledgers = this.loadLedgers(
      stored,
      pending,
      items.filter((item) => replayedTenants.has(item.message.tenantId)),
      nowMs,
    );
    for (const item of pending) {
      const ledger = ledgers.get(item.message.tenantId)!;
      const outcome =
        item.source === 'paced'
          ? ledger.releasePaced(item.message)
          : ledger.admit(
              item.message,
              item.precheck.kind === 'pass' ? item.precheck.notes : [],
              quotes.get(item.message.messageId),
            );
      const counted = ledger.counted.has(item.message.messageId);
      record(item, outcome, counted ? ledger.usageMonth : null);
    }

    const warnings: LedgerResult['warnings'][number][] = [];
    const usage: LedgerWrites['usage'][number][] = [];
    const rates: LedgerWrites['rates'][number][] = [];
    const reservations: LedgerWrites['reservations'][number][] = [];
    const inFlight: LedgerWrites['inFlight'][number][] = [];
    for (const [tenantId, ledger] of ledgers) {
      const changes = ledger.changes;
      if (changes.usage) usage.push({ tenantId, ...changes.usage });
      if (changes.rate) rates.push({ tenantId, tatMs: changes.rate.tatMs });
      const warning =
        changes.warning ?? (replayedTenants.has(tenantId) ? ledger.standingWarning : undefined);
      if (warning) warnings.push({ tenantId, timeZone: ledger.policy.timeZone, warning });
      reservations.push(
        ...ledger.reservations.map((reservation) => ({ ...reservation, tenantId })),
      );
      inFlight.push(...ledger.inFlightAdded.map((messageId) => ({ messageId, tenantId })));
    }

    await repo.write(tx, { decisions, usage, reservations, inFlight, rates, held }, now);
    return { outcomes, warnings };
  }

  /**
   * What to read under the locks: earlier decisions of every message, and the counters of every
   * tenant of the batch whose policy keeps state (a superset of the ledgers the batch will need,
   * so that one statement reads it all before the decisions are known).
   */
  private stateQuery(items: readonly LedgerItem[], nowMs: number): StateQuery {
    const policies = statefulPolicies(items);
    const tenants = [...policies.keys()].sort();
    const of = (predicate: (policy: CompiledPolicy) => boolean) =>
      tenants.filter((id) => predicate(policies.get(id)!));
    return {
      messageIds: items.map((item) => item.message.messageId),
      usage: tenants.map((tenantId) => ({
        tenantId,
        month: monthOf(nowMs, policies.get(tenantId)!.timeZone),
      })),
      balances: of((policy) => policy.prepaid),
      inFlight: of((policy) => policy.maxInFlight !== undefined),
      inFlightSince: new Date(nowMs - this.options.inFlightTimeoutMs),
      rates: of((policy) => policy.rate !== undefined),
    };
  }

  /** The ledgers of the tenants with messages to decide (or replays that may owe a warning). */
  private loadLedgers(
    stored: StoredState,
    pending: readonly LedgerItem[],
    replayed: readonly LedgerItem[],
    nowMs: number,
  ): Map<string, TenantLedger> {
    const policies = statefulPolicies([...pending, ...replayed]);
    const ledgers = new Map<string, TenantLedger>();
    for (const tenantId of [...policies.keys()].sort()) {
      const policy = policies.get(tenantId)!;
      const month = monthOf(nowMs, policy.timeZone);
      const state: LedgerState = {
        usage: stored.usage.get(usageKey(tenantId, month)) ?? {
          month,
          messages: 0,
          parts: 0,
          warnedAt: null,
        },
        balance: stored.balances.get(tenantId) ?? null,
        inFlight: stored.inFlight.get(tenantId) ?? 0,
        rate: stored.rates.get(tenantId) ?? { tatMs: 0 },
      };
      ledgers.set(
        tenantId,
        new TenantLedger(policy, state, {
          nowMs,
          inFlightRecheckMs: this.options.inFlightRecheckMs,
        }),
      );
    }
    return ledgers;
  }
}

/** The stateful policy of each tenant of these items. */
function statefulPolicies(items: readonly LedgerItem[]): Map<string, CompiledPolicy> {
  const policies = new Map<string, CompiledPolicy>();
  for (const item of items) {
    const policy = validPolicy(item.entry);
    if (policy?.stateful) policies.set(item.message.tenantId, policy);
  }
  return policies;
}

function validPolicy(entry: TenantPolicyEntry | undefined): CompiledPolicy | undefined {
  return entry && entry.status === 'active' && entry.policy instanceof CompiledPolicy
    ? entry.policy
    : undefined;
}

function replay(earlier: PriorDecision): Outcome {
  switch (earlier.outcome) {
    case 'accepted':
      return { kind: 'accept', detail: earlier.detail };
    case 'rejected':
      return { kind: 'reject', reason: earlier.reason ?? 'policy-invalid', detail: earlier.detail };
    case 'held':
      return { kind: 'none' };
  }
}
