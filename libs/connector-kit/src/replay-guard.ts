import { Inject, Injectable, Optional } from '@nestjs/common';
import { DEAD_LETTERED, type SmsOutboundEvent } from '@tuxhat/contracts';
import {
  type MessageStatus,
  type PrismaClient,
  StatementGenerations,
  sqlOf,
} from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { RecentOutcomes, type RecentOutcome } from './recent-outcomes';

/**
 * Statuses after which no carrier gets the message again. `sent`, `undeliverable` and `failed`
 * are not among them: a DLR trigger may resend an undeliverable message through the next
 * carrier, and routing failover may move a failed one (both with a higher attempt). What
 * stops a replay to a carrier that already took the message is that carrier's ids.
 */
export const REACHED_CARRIER: readonly MessageStatus[] = [
  'delivered',
  'expired',
  'unknown',
  'rejected',
];

/**
 * The batch's messages that some carrier took (their parts in dlr_carrier_keys, written by the
 * dlr service from sms.sent) or whose story is over, with the carriers holding them. Straight on
 * the driver: through Prisma this was a query with one parameter per message and an OR over a
 * correlated EXISTS, plus a second query for the relation, for a few hundred messages a batch.
 *
 * `settled`: `failed` by the dlr's dead-letter settler (the status's errorCode DEAD_LETTERED, kept
 * on the message by the status projector). The tenant was told the message failed, so an
 * operator's replay of its dead letter, or a copy of one of its events still on its way, must not
 * send it.
 */
const TAKEN_OR_OVER_SQL = `
  SELECT m.id, m.status::text AS status, coalesce(k.carriers, '{}') AS carriers, s.settled
  FROM messages AS m
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT c.carrier_id) AS carriers
    FROM dlr_carrier_keys AS c WHERE c.message_id = m.id) AS k
  CROSS JOIN LATERAL (
    SELECT m.status = 'failed' AND m.status_error_code IS NOT DISTINCT FROM $3 AS settled) AS s
  WHERE m.id = ANY($1::text[])
    AND (m.status::text = ANY($2::text[]) OR k.carriers IS NOT NULL OR s.settled)`;

export const REPLAY_GUARD_OPTIONS = Symbol('tuxhat:connector-kit:replay-guard-options');

export interface ReplayGuardOptions {
  /**
   * On the in-process bus (all-in-one mode), when this process started: a message accepted
   * since then has had every event of its life in this process, so on its first routing attempt
   * only this pod's memory can know it was tried (see ReplayGuard). Null on Kafka, where a
   * record may come again after another pod handled it.
   */
  readonly onlyHereSince: Date | null;
}

/**
 * Delivery is at-least-once: an outbound event can come again (Kafka redelivery after a crash
 * before commit, all-in-one re-drive at boot), and neither submit_sm nor SNS Publish is
 * idempotent. So a connector first asks which messages of the batch already have carrier ids or
 * a carrier's status (one query for the whole batch), and also remembers what this pod sent
 * moments ago, before the database knows.
 */
@Injectable()
export class ReplayGuard {
  /**
   * Prepared, under a new name each time the ids this guard looked up doubled (messages and
   * dlr_carrier_keys grow with them): unprepared, PostgreSQL planned it on every batch, ~0.1 ms
   * of its CPU a call.
   */
  private readonly statements = new StatementGenerations('replay-guard');
  private readonly onlyHereSince: number | null;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly recent: RecentOutcomes,
    @Optional() @Inject(REPLAY_GUARD_OPTIONS) options?: ReplayGuardOptions,
  ) {
    this.onlyHereSince = options?.onlyHereSince?.getTime() ?? null;
  }

  /** Indexes of the events to skip. */
  async replaysIn(events: readonly SmsOutboundEvent[]): Promise<ReadonlySet<number>> {
    const skip = new Set<number>();
    const unknownIds = new Set<string>();
    events.forEach((event, index) => {
      if (this.triedHere(event)) skip.add(index);
      else if (!this.onlyHere(event)) unknownIds.add(event.message.messageId);
    });
    if (unknownIds.size === 0) return skip;
    // One round trip for the batch: final messages, and which carriers hold ids for each.
    const rows = await sqlOf(this.prisma).query<{
      id: string;
      status: MessageStatus;
      carriers: string[];
      settled: boolean;
    }>(
      TAKEN_OR_OVER_SQL,
      [[...unknownIds], REACHED_CARRIER, DEAD_LETTERED],
      this.statements.next(unknownIds.size),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    events.forEach((event, index) => {
      const row = byId.get(event.message.messageId);
      if (!row) return;
      const final = REACHED_CARRIER.includes(row.status) || row.settled;
      if (final || row.carriers.includes(event.carrierId)) skip.add(index);
    });
    return skip;
  }

  /**
   * In all-in-one mode a message accepted since this process started cannot have reached a
   * carrier through another process, and its first routing attempt is made once: whatever
   * tried it before (a bus retry of this very event) was this pod, which remembers it
   * (RecentOutcomes). The database would only know later what the memory knows now, so it is not
   * asked: one round trip less on every message's way to its carrier. Messages from before the
   * start (re-driven at boot) and later attempts (failover, a DLR trigger's resend, long after
   * the memory may have let the message go) are checked in the database as on Kafka.
   */
  private onlyHere(event: SmsOutboundEvent): boolean {
    return (
      this.onlyHereSince !== null &&
      event.attempt === 1 &&
      Date.parse(event.message.acceptedAt) > this.onlyHereSince
    );
  }

  /**
   * A message some carrier took is done. A carrier that refused it, or that it was taken away
   * from, does not get the same attempt again; and a carrier that may have it already (timeout,
   * connection lost) never gets it again: the gateway never sends one message twice to a carrier.
   */
  private triedHere(event: SmsOutboundEvent): boolean {
    return this.recent.outcomesOf(event.message.messageId).some((recent) => blocks(recent, event));
  }
}

function blocks(recent: RecentOutcome, event: SmsOutboundEvent): boolean {
  const tookIt = recent.outcome === 'sent' || recent.outcome === 'unknown';
  if (recent.carrierId !== event.carrierId) {
    // Another carrier has it: only a later routing attempt (a DLR trigger's resend) goes on.
    return tookIt && recent.attempt >= event.attempt;
  }
  if (tookIt) return true;
  if (recent.outcome === 'rerouted' && recent.mayHaveReached) return true;
  return recent.attempt >= event.attempt;
}
