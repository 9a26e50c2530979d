import { Inject, Injectable } from '@nestjs/common';
import {
  FINAL_STATUSES,
  MESSAGE_STATUSES,
  type SmsStatusEvent,
  statusRank,
} from '@tuxhat/contracts';
import { type PrismaClient, StatementGenerations, sqlOf } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import { precedences } from './status-projection';

/** What became of a batch of status events. */
export interface Projection {
  /** Events new to the history (in batch order): the ones the status streams get. */
  readonly fresh: SmsStatusEvent[];
  /** Events of messages that do not exist or belong to another tenant: not written. */
  readonly foreign: SmsStatusEvent[];
}

/** The stored status's rank, from the same statusRank the service uses (literals: a fixed enum). */
const CURRENT_RANK = `(CASE m.status ${MESSAGE_STATUSES.map(
  (status) => `WHEN '${status}'::message_status THEN ${statusRank(status)}`,
).join(' ')} END)`;

const FINAL = [...FINAL_STATUSES].map((status) => `'${status}'::message_status`).join(', ');

/**
 * The whole projection of a batch in ONE statement (one round trip, atomic, no transaction to
 * open), straight on the driver (sqlOf): the events travel as one JSON parameter (Prisma's cost
 * grows with every bind parameter and its model queries cost far more: measured on 300 events,
 * createManyAndReturn 147 us/event, a VALUES list 21 us, one JSON parameter through Prisma 8-25
 * us, through the driver 4-8 us).
 *
 * - `input`: every event, `applicable` when its message exists and belongs to the event's
 *   tenant (the message row is committed before sms.submitted is published, so anything else is
 *   foreign data);
 * - `inserted`: the applicable events appended to the history; an event id already there is a
 *   replay and skipped;
 * - `fresh`: the inserted events with everything they carry;
 * - `decisive`: per message, the fresh event of highest precedence (see `precedences`: the same
 *   answer as applying them one by one);
 * - `advanced`: the status moved forward. The forward-only rule is in the WHERE clause,
 *   evaluated against the row as stored (not as read earlier), so concurrent projectors cannot
 *   move a status backwards either.
 *
 * No step joins one CTE to another: the planner cannot estimate CTE rows (it guessed 1 for the
 * events with a message), and a join of two CTEs it believes tiny becomes a nested loop, quadratic
 * in the batch (measured: 294 ms of PostgreSQL CPU per batch of 1,000 events, half of all the
 * database's CPU in a carrier bench). So `input` keeps every event with a flag instead of a
 * second CTE. The flag is a scalar subquery on the primary key: one index probe per event
 * whatever the statistics say (a LEFT JOIN read all of `messages` into a hash join every batch:
 * with the events estimated at 100 rows, a scan of 20,000 rows looked cheaper, and under a plan
 * made on an empty table it always does). `fresh` matches the ids RETURNING gives back to their
 * events by a window over the event id (a sort, n log n whatever the estimates): 55 ms.
 *
 * Returns the ordinal of each event that was new (fresh) or foreign; replays are not listed.
 */
const PROJECT_SQL = `
  WITH input AS (
    SELECT e.*,
      coalesce((SELECT m.tenant_id FROM messages m WHERE m.id = e.message_id) = e.tenant_id,
        false) AS applicable
    FROM json_to_recordset($1::json) AS e (ord int, event_id text, message_id text,
      tenant_id text, status text, detail text, source text, occurred_at timestamptz,
      carrier_id text, route_id text, cost_minor int, cost_currency text, error_code text,
      rank int, precedence bigint)
  ),
  inserted AS (
    INSERT INTO message_status_events (event_id, message_id, status, detail, source, occurred_at,
      cost_minor, cost_currency, error_code)
    SELECT e.event_id, e.message_id, e.status::message_status, e.detail, e.source, e.occurred_at,
      e.cost_minor, e.cost_currency, e.error_code
    FROM input e WHERE e.applicable ORDER BY e.ord
    ON CONFLICT (message_id, event_id) DO NOTHING
    RETURNING event_id
  ),
  fresh AS (
    SELECT t.ord, t.message_id, t.status, t.rank, t.detail, t.error_code, t.carrier_id,
      t.route_id, t.precedence
    FROM (
      SELECT u.*, bool_or(u.is_inserted) OVER (PARTITION BY u.event_id) AS was_inserted
      FROM (
        SELECT e.event_id, false AS is_inserted, e.ord, e.message_id, e.status, e.rank, e.detail,
          e.error_code, e.carrier_id, e.route_id, e.precedence
        FROM input e WHERE e.applicable
        UNION ALL
        SELECT i.event_id, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM inserted i
      ) u
    ) t
    WHERE t.was_inserted AND NOT t.is_inserted
  ),
  decisive AS (
    SELECT DISTINCT ON (f.message_id) f.message_id, f.status, f.rank, f.detail, f.error_code,
      f.carrier_id, f.route_id
    FROM fresh f
    ORDER BY f.message_id, f.precedence DESC
  ),
  advanced AS (
    UPDATE messages AS m
    SET status = v.status::message_status,
        status_detail = v.detail,
        status_error_code = v.error_code,
        carrier_id = COALESCE(v.carrier_id, m.carrier_id),
        route_id = COALESCE(v.route_id, m.route_id),
        updated_at = $2::timestamptz
    FROM decisive v
    WHERE m.id = v.message_id
      AND (v.rank > ${CURRENT_RANK} OR (v.rank = ${CURRENT_RANK} AND m.status NOT IN (${FINAL})))
    RETURNING 1
  )
  SELECT f.ord, true AS fresh FROM fresh f
  UNION ALL
  SELECT e.ord, false AS fresh FROM input e WHERE NOT e.applicable`;

/** Message status history and the projected status on `messages`, written a batch at a time. */
@Injectable()
export class StatusProjectionRepository {
  /** The prepared statement's generation, by the events this process projected so far. */
  private readonly statements = new StatementGenerations('status-projection');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Appends the events (unique event ids) to their messages' history and moves each message's
   * status forward by the events that were new, atomically: a crash cannot leave history
   * without its status.
   */
  async project(events: readonly SmsStatusEvent[]): Promise<Projection> {
    if (events.length === 0) return { fresh: [], foreign: [] };
    const precedence = precedences(events);
    const rows = events.map((event, ord) => ({
      ord,
      event_id: event.eventId,
      message_id: event.messageId,
      tenant_id: event.tenantId,
      status: event.status,
      detail: event.detail ?? null,
      source: event.source,
      occurred_at: event.occurredAt,
      carrier_id: event.carrierId ?? null,
      route_id: event.routeId ?? null,
      cost_minor: event.cost?.minor ?? null,
      cost_currency: event.cost?.currency ?? null,
      error_code: event.errorCode ?? null,
      rank: statusRank(event.status),
      precedence: precedence[ord],
    }));
    // Prepared: planning this statement cost more than running it on a small batch. But
    // PostgreSQL keeps a prepared statement's generic plan until `messages` is analyzed again,
    // and the UPDATE's plan made while the table was small reads it whole for every batch (a
    // seq scan of 20,000 rows and a hash join, 4-12 ms of a 500-event batch, where a plan made
    // on the grown table probes the primary key: measured with EXPLAIN ANALYZE on a generic
    // plan made on an empty table; every bench starts on empty tables). An extra
    // `m.id = ANY($ids)` does not survive such a plan (it became a seq scan filtering on the
    // array: 441 ms). So the statement is prepared anew, under a new name, each time the events
    // this process projected doubled: a plan serves a table about twice the size it was made
    // for at most, and a process makes a few dozen of them in its life.
    const name = this.statements.next(events.length);
    const result = await sqlOf(this.prisma).query<{ ord: number; fresh: boolean }>(
      PROJECT_SQL,
      [JSON.stringify(rows), this.clock.now().toISOString()],
      name,
    );
    const fresh = new Set<number>();
    const foreign = new Set<number>();
    for (const row of result) (row.fresh ? fresh : foreign).add(row.ord);
    return {
      fresh: events.filter((_, ord) => fresh.has(ord)),
      foreign: events.filter((_, ord) => foreign.has(ord)),
    };
  }
}
