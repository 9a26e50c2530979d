import {
  DEFAULT_PRIORITY_CLASS,
  type PriorityClass,
  type TenantPolicyDocument,
  tenantPolicyDocument,
} from '@tuxhat/contracts';

import { DestinationRules } from './rules/destinations';
import type { RateSpec } from './rules/rate-limiter';
import { WindowRules } from './rules/window-rules';

/** A tenant's policy document, validated and with its rules ready to evaluate. */
export class CompiledPolicy {
  readonly destinations: DestinationRules;
  readonly windows: WindowRules;

  private constructor(
    /** 0 for a tenant without a stored policy (the default document). */
    readonly version: number,
    readonly document: TenantPolicyDocument,
  ) {
    this.destinations = new DestinationRules(document.destinations);
    this.windows = new WindowRules(document.windows, document.timeZone);
  }

  /** Validates a stored document; returns why it cannot be used instead of throwing. */
  static compile(version: number, raw: unknown): CompiledPolicy | { readonly invalid: string } {
    const parsed = tenantPolicyDocument.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { invalid: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
    }
    try {
      return new CompiledPolicy(version, parsed.data);
    } catch (error) {
      return { invalid: error instanceof Error ? error.message : String(error) };
    }
  }

  static readonly DEFAULT = CompiledPolicy.compile(0, {}) as CompiledPolicy;

  /** "v3", or "default" for a tenant without a stored policy. */
  get label(): string {
    return this.version === 0 ? 'default' : `v${this.version}`;
  }

  get timeZone(): string {
    return this.document.timeZone;
  }

  get rate(): (RateSpec & TenantPolicyDocument['rate']) | undefined {
    return this.document.rate;
  }

  get quota(): TenantPolicyDocument['monthlyQuota'] {
    return this.document.monthlyQuota;
  }

  get prepaid(): boolean {
    return this.document.billing.mode === 'prepaid';
  }

  get maxInFlight(): number | undefined {
    return this.document.rate?.maxInFlight;
  }

  get usesSuppressionList(): boolean {
    return this.document.useSuppressionList;
  }

  /** Whether a rule keeps state across messages, so decisions go through the ledger. */
  get stateful(): boolean {
    return (
      this.quota !== undefined || this.prepaid || this.rate !== undefined || !this.windows.isEmpty
    );
  }
}

export function classOf(message: { readonly priority?: PriorityClass }): PriorityClass {
  return message.priority ?? DEFAULT_PRIORITY_CLASS;
}
