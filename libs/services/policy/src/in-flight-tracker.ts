import { Inject, Injectable } from '@nestjs/common';
import type { MessageStatus, SmsStatusEvent } from '@tuxhat/contracts';
import { type PrismaClient, sqlOf } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { CompiledPolicy } from './compiled-policy';
import { TenantPolicies } from './tenant-policies';

/** Statuses that end a message's flight: the carrier answered (sent), or it will never go. */
const LANDED: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'sent',
  'failed',
  'rejected',
  'delivered',
  'undeliverable',
  'expired',
  'unknown',
]);

/**
 * Frees in-flight slots (rate.maxInFlight) as status events answer messages: one delete per
 * batch of status events, and none for tenants without the limit. Status events are keyed by
 * message id, so any policy replica may free a slot its tenant's owner took: the slots live
 * in the database (in_flight_messages), which the owner counts under the tenant's lock.
 */
@Injectable()
export class InFlightTracker {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly tenants: TenantPolicies,
  ) {}

  async land(events: readonly SmsStatusEvent[]): Promise<number> {
    const messageIds = events
      .filter((event) => LANDED.has(event.status) && this.tracks(event.tenantId))
      .map((event) => event.messageId);
    if (messageIds.length === 0) return 0;
    // One JSON parameter rather than a bind parameter per id, straight on the driver.
    const [row] = await sqlOf(this.prisma).query<{ count: number }>(
      `WITH freed AS (
         DELETE FROM in_flight_messages
         WHERE message_id IN (SELECT json_array_elements_text($1::json))
         RETURNING 1
       )
       SELECT count(*)::int AS count FROM freed`,
      [JSON.stringify([...new Set(messageIds)])],
    );
    return row.count;
  }

  private tracks(tenantId: string): boolean {
    const policy = this.tenants.get(tenantId)?.policy;
    return policy instanceof CompiledPolicy && policy.maxInFlight !== undefined;
  }
}
