import { Injectable } from '@nestjs/common';
import type { MessageFields } from '@tuxhat/contracts';

import { TenantDirectory } from './tenant-directory';

export type PolicyDecision =
  | { readonly verdict: 'accept'; readonly rule: string }
  | { readonly verdict: 'reject'; readonly rule: string; readonly reason: string };

/** Decides whether a tenant's message may be sent. Each decision names the rule that made it. */
@Injectable()
export class PolicyService {
  constructor(private readonly tenants: TenantDirectory) {}

  async decide(message: MessageFields): Promise<PolicyDecision> {
    const state = await this.tenants.stateOf(message.tenantId);
    switch (state) {
      case 'active':
        return { verdict: 'accept', rule: 'tenant-active' };
      case 'suspended':
        return { verdict: 'reject', rule: 'tenant-active', reason: 'tenant is suspended' };
      case undefined:
        return { verdict: 'reject', rule: 'tenant-active', reason: 'tenant is unknown' };
    }
  }
}
