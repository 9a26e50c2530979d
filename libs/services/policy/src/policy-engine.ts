import { Inject, Injectable } from '@nestjs/common';
import type { MessageFields } from '@tuxhat/contracts';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { CompiledPolicy } from './compiled-policy';
import { type Outcome, acceptDetail } from './decision';
import { type LedgerResult, type LedgerSource, PolicyLedger } from './ledger/policy-ledger';
import { type Precheck, precheck } from './stateless-rules';
import { SuppressionRepository, suppressionKey } from './suppression.repository';
import { TenantPolicies } from './tenant-policies';

export interface EngineItem {
  readonly message: MessageFields;
  readonly source: LedgerSource;
}

export interface Decided {
  readonly results: readonly { readonly message: MessageFields; readonly outcome: Outcome }[];
  readonly warnings: LedgerResult['warnings'];
}

/**
 * Decides a batch of messages: the stateless rules in memory (tenant, destinations, suppression
 * from one batched lookup, the scheduled time, windows), then, for tenants whose policy keeps
 * state and for held messages (a message deferred now, or released), the ledger's one
 * transaction. Tenants with stateless policies cost no database write at all, but for the
 * messages they schedule for later.
 */
@Injectable()
export class PolicyEngine {
  constructor(
    private readonly tenants: TenantPolicies,
    private readonly suppressions: SuppressionRepository,
    private readonly ledger: PolicyLedger,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async decide(batch: readonly EngineItem[]): Promise<Decided> {
    const items = uniqueByMessage(batch);
    const entries = await this.tenants.lookup(items.map((item) => item.message.tenantId));
    const suppressed = await this.suppressions.suppressed(
      items
        .filter((item) => {
          const policy = entries.get(item.message.tenantId)?.policy;
          return (
            item.source !== 'paced' &&
            policy instanceof CompiledPolicy &&
            policy.usesSuppressionList
          );
        })
        .map((item) => ({ tenantId: item.message.tenantId, number: item.message.destination })),
    );
    const nowMs = this.clock.now().getTime();

    const direct = new Map<string, Outcome>();
    const viaLedger: Parameters<PolicyLedger['apply']>[0][number][] = [];
    for (const item of items) {
      const { message } = item;
      const entry = entries.get(message.tenantId);
      const check: Precheck =
        item.source === 'paced'
          ? { kind: 'pass', notes: [] }
          : precheck(
              entry,
              message,
              suppressed.has(suppressionKey(message.tenantId, message.destination)),
              nowMs,
            );
      const stateful = entry?.policy instanceof CompiledPolicy && entry.policy.stateful;
      if (item.source !== 'submitted' || stateful || check.kind === 'defer') {
        viaLedger.push({ message, entry, precheck: check, source: item.source });
      } else if (check.kind === 'reject') {
        direct.set(message.messageId, check);
      } else if (check.kind === 'pass') {
        const label = entry?.policy instanceof CompiledPolicy ? entry.policy.label : 'default';
        direct.set(message.messageId, { kind: 'accept', detail: acceptDetail(label, check.notes) });
      }
    }

    const ledger = await this.ledger.apply(viaLedger);
    return {
      results: items.map(({ message }) => ({
        message,
        outcome: direct.get(message.messageId) ??
          ledger.outcomes.get(message.messageId) ?? { kind: 'none' },
      })),
      warnings: ledger.warnings,
    };
  }
}

function uniqueByMessage(items: readonly EngineItem[]): EngineItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.message.messageId)) return false;
    seen.add(item.message.messageId);
    return true;
  });
}
