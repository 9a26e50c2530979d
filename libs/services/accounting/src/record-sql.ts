import type { AccountingRecord } from '@tuxhat/database';
import { Prisma } from '@tuxhat/database';

/**
 * Batches travel to and from PostgreSQL as one JSON document per statement
 * (jsonb_to_recordset in, json_agg out). Measured here on 3,000 records: a multi-row VALUES
 * upsert through Prisma took 4.6 s, the same rows as one JSON parameter 0.24 s; reading them
 * with findMany 0.9-1.3 s, with json_agg 0.35 s. The database does the same work either way;
 * the difference is the client's per-parameter and per-cell overhead.
 */

/** accounting_records: field (as in AccountingRecord), column, SQL type. */
const COLUMNS = [
  ['messageId', 'message_id', 'text'],
  ['tenantId', 'tenant_id', 'text'],
  ['classOfService', 'class_of_service', 'text'],
  ['source', 'source', 'text'],
  ['destination', 'destination', 'text'],
  ['country', 'country', 'char(2)'],
  ['network', 'network', 'text'],
  ['clientReference', 'client_reference', 'text'],
  ['metadata', 'metadata', 'jsonb'],
  ['carrierId', 'carrier_id', 'text'],
  ['routeId', 'route_id', 'text'],
  ['parts', 'parts', 'int'],
  ['encoding', 'encoding', 'text'],
  ['finalStatus', 'final_status', 'message_status'],
  ['errorCode', 'error_code', 'text'],
  ['costMinor', 'cost_minor', 'int'],
  ['costCurrency', 'cost_currency', 'char(3)'],
  ['priceMinor', 'price_minor', 'int'],
  ['priceCurrency', 'price_currency', 'char(3)'],
  ['listPriceMinor', 'list_price_minor', 'int'],
  ['tariffId', 'tariff_id', 'text'],
  ['billingMode', 'billing_mode', 'text'],
  ['chargeOn', 'charge_on', 'text'],
  ['charged', 'charged', 'boolean'],
  ['adjustments', 'adjustments', 'jsonb'],
  ['acceptedAt', 'accepted_at', 'timestamptz'],
  ['routedAt', 'routed_at', 'timestamptz'],
  ['sentAt', 'sent_at', 'timestamptz'],
  ['finalAt', 'final_at', 'timestamptz'],
  ['recordedAt', 'recorded_at', 'timestamptz'],
  ['updatedAt', 'updated_at', 'timestamptz'],
  ['revision', 'revision', 'int'],
  ['publishedRevision', 'published_revision', 'int'],
  ['publishPending', 'publish_pending', 'boolean'],
  ['publishClaimedAt', 'publish_claimed_at', 'timestamptz'],
  ['publishedAt', 'published_at', 'timestamptz'],
  ['rowVersion', 'row_version', 'int'],
] as const satisfies readonly (readonly [keyof AccountingRecord, string, string])[];

type Field = (typeof COLUMNS)[number][0];

/** Columns a batch write sets; the others keep their defaults or stored values. */
export const WRITTEN_FIELDS = [
  'messageId',
  'tenantId',
  'classOfService',
  'source',
  'destination',
  'country',
  'network',
  'clientReference',
  'metadata',
  'carrierId',
  'routeId',
  'parts',
  'encoding',
  'finalStatus',
  'errorCode',
  'costMinor',
  'costCurrency',
  'priceMinor',
  'priceCurrency',
  'listPriceMinor',
  'tariffId',
  'billingMode',
  'chargeOn',
  'charged',
  'adjustments',
  'acceptedAt',
  'routedAt',
  'sentAt',
  'finalAt',
  'recordedAt',
  'updatedAt',
  'revision',
  'publishedRevision',
  'publishPending',
  'publishClaimedAt',
  'rowVersion',
] as const satisfies readonly Field[];

/** Set again when a stored row is updated (identity, message facts and recordedAt stay). */
const UPDATED_FIELDS = [
  'country',
  'network',
  'carrierId',
  'routeId',
  'finalStatus',
  'errorCode',
  'costMinor',
  'costCurrency',
  'priceMinor',
  'priceCurrency',
  'listPriceMinor',
  'tariffId',
  'billingMode',
  'chargeOn',
  'charged',
  'adjustments',
  'routedAt',
  'sentAt',
  'finalAt',
  'updatedAt',
  'revision',
  'publishPending',
  'publishClaimedAt',
  'rowVersion',
] as const satisfies readonly (typeof WRITTEN_FIELDS)[number][];

const byField = new Map<string, (typeof COLUMNS)[number]>(COLUMNS.map((c) => [c[0], c]));
const column = (field: string) => byField.get(field)![1];

/** `message_id AS "messageId", ...`: a row as AccountingRecord's JSON. */
const SELECT_LIST = Prisma.raw(COLUMNS.map(([field, name]) => `${name} AS "${field}"`).join(', '));
const TIMESTAMP_FIELDS = COLUMNS.filter(([, , type]) => type === 'timestamptz').map(([f]) => f);

/**
 * `= ANY(ids)`: one text[] parameter for any number of them. The planner knows the array's
 * length and looks each id up in the primary key; `IN (SELECT jsonb_array_elements_text(..))`
 * was estimated at 100 rows and read whole tables (seq scans of accounting_records and messages
 * in every batch, ~15 ms a batch at 10,000 rows and growing with the table).
 */
export function anyOf(ids: readonly string[]): Prisma.Sql {
  return Prisma.sql`ANY(${[...ids]}::text[])`;
}

/**
 * The records of these messages, and the messages without one (the fields a first record
 * starts from, with the route, cost and times of the steps their history holds: what a record
 * built without the steps in memory starts from), as two JSON texts of one row. The history is
 * read only for a message whose projected status is past `accepted` (the projector writes a
 * step and the status it moves to in one statement): for the usual first read, at the policy's
 * `accepted`, there is nothing to find, and the condition on the outer row skips the probes.
 * Each id is looked up on its own (a LATERAL subquery per id): a primary-key probe whatever
 * the planner believes of the tables. With
 * `= ANY(ids)` it read both tables whole whenever a batch's ids were a few percent of them
 * (measured on 20,000 rows and 360 ids: two seq scans, 2-7 ms each, against 0.4-0.8 ms of
 * index scans), as in every bench, whose tables start empty.
 */
export function selectRecordsOrMessages(ids: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    WITH k AS (SELECT DISTINCT id FROM unnest(${[...ids]}::text[]) AS k (id)),
    r AS (
      SELECT x.* FROM k
      CROSS JOIN LATERAL (
        SELECT ${SELECT_LIST} FROM accounting_records WHERE message_id = k.id OFFSET 0) AS x)
    SELECT
      (SELECT coalesce(json_agg(r), '[]'::json) FROM r)::text AS records,
      (SELECT coalesce(json_agg(m), '[]'::json)
       FROM (SELECT x.* FROM k
             CROSS JOIN LATERAL (
               SELECT m.id, m.tenant_id AS "tenantId", m.destination, m.source, m.priority,
                      m.parts, m.encoding, m.client_reference AS "clientReference", m.metadata,
                      m.created_at AS "createdAt", m.carrier_id AS "carrierId",
                      m.route_id AS "routeId", routed.occurred_at AS "routedAt",
                      routed.cost_minor AS "costMinor", routed.cost_currency AS "costCurrency",
                      (SELECT max(s.occurred_at) FROM message_status_events s
                       WHERE s.message_id = m.id AND s.status = 'sent'
                         AND m.status <> 'accepted') AS "sentAt"
               FROM messages m
               LEFT JOIN LATERAL (
                 SELECT s.occurred_at, s.cost_minor, s.cost_currency
                 FROM message_status_events s
                 WHERE s.message_id = m.id AND s.status = 'routed' AND m.status <> 'accepted'
                 ORDER BY s.occurred_at DESC, s.id DESC LIMIT 1) AS routed ON true
               WHERE m.id = k.id OFFSET 0) AS x
             WHERE NOT EXISTS (SELECT 1 FROM r WHERE r."messageId" = k.id)) AS m)::text
        AS messages`;
}

/** Claims rows to publish and returns them as they are now, as one JSON text. */
export function claimRecords(ids: readonly string[], now: Date, staleBefore: Date): Prisma.Sql {
  return Prisma.sql`
    WITH claimed AS (
      UPDATE accounting_records
      SET publish_claimed_at = ${now}::timestamptz, row_version = row_version + 1
      WHERE message_id = ${anyOf(ids)}
        AND publish_pending
        AND (publish_claimed_at IS NULL OR publish_claimed_at < ${staleBefore}::timestamptz)
      RETURNING *)
    SELECT coalesce(json_agg(r), '[]'::json)::text AS rows
    FROM (SELECT ${SELECT_LIST} FROM claimed) AS r`;
}

/** Rows of json_agg back into AccountingRecord (timestamps arrive as ISO strings). */
export function parseRecords(text: string): AccountingRecord[] {
  const rows = JSON.parse(text) as Record<string, unknown>[];
  for (const row of rows)
    for (const field of TIMESTAMP_FIELDS) {
      const value = row[field];
      if (typeof value === 'string') row[field] = new Date(value);
    }
  return rows as unknown as AccountingRecord[];
}

export type WrittenRecord = Pick<AccountingRecord, (typeof WRITTEN_FIELDS)[number]>;

/** The fields an update of a stored row sends (its key, what may change, the version). */
export const UPDATE_FIELDS = ['messageId', ...UPDATED_FIELDS] as const;

/** A stored row's update: only what may change (identity and message facts stay as stored). */
export type RecordUpdate = Pick<WrittenRecord, (typeof UPDATE_FIELDS)[number]>;

/** A reservation to settle (charged) or release, with the price the record charges. */
export interface SettlementRow {
  readonly messageId: string;
  readonly charged: boolean;
  readonly amountMinor: number;
  readonly currency: string;
}

// Timestamps travel as epoch milliseconds: Date#toJSON (an ISO string per timestamp) was two
// thirds of the rows' JSON.stringify (measured: 31 -> 9 us a row); the statement turns them back
// (exactly: whole milliseconds).
const isTimestamp = (field: string) => byField.get(field)![2] === 'timestamptz';
const recordset = (fields: readonly string[]) =>
  fields
    .map((field) => `"${field}" ${isTimestamp(field) ? 'bigint' : byField.get(field)![2]}`)
    .join(', ');
const valueOf = (field: string) =>
  isTimestamp(field)
    ? `(timestamptz 'epoch' + r."${field}" * interval '1 millisecond')`
    : `r."${field}"`;

/** Rows as the JSON parameter: timestamps as epoch milliseconds (see valueOf). */
function jsonOf(rows: readonly object[]): string {
  return JSON.stringify(
    rows.map((row) => {
      const copy: Record<string, unknown> = { ...row };
      for (const field of TIMESTAMP_FIELDS) {
        const value = copy[field];
        if (value instanceof Date) copy[field] = value.getTime();
      }
      return copy;
    }),
  );
}

// The statement around the rows is the same every time: built once (it was built per batch,
// ~1 s of a gateway profile in string building alone).
const INSERT_SQL = `
      INSERT INTO accounting_records (${WRITTEN_FIELDS.map(column).join(', ')})
      SELECT ${WRITTEN_FIELDS.map(valueOf).join(', ')}
      FROM jsonb_to_recordset($rows::jsonb) AS r (${recordset(WRITTEN_FIELDS)})
      ON CONFLICT (message_id) DO NOTHING
      RETURNING message_id`;
const UPDATE_SQL = `
      UPDATE accounting_records AS a SET ${UPDATED_FIELDS.map((field) =>
        field === 'publishClaimedAt'
          ? // Only a claim is written (by the writer that made the record final); never
            // another publisher's claim cleared.
            `${column(field)} = coalesce(${valueOf(field)}, a.${column(field)})`
          : `${column(field)} = ${valueOf(field)}`,
      ).join(', ')}
      FROM jsonb_to_recordset($rows::jsonb) AS r (${recordset(UPDATE_FIELDS)})
      WHERE a.message_id = $ids AND a.message_id = r."messageId"
        AND a.row_version = r."rowVersion" - 1
      RETURNING a.message_id`;
const [INSERT_HEAD, INSERT_TAIL] = INSERT_SQL.split('$rows').map((part) => Prisma.raw(part));
const [UPDATE_HEAD, UPDATE_MIDDLE, UPDATE_TAIL] = UPDATE_SQL.split(/\$rows|\$ids/).map((part) =>
  Prisma.raw(part),
);

/**
 * One statement for a batch: new rows inserted (rowVersion 0; a row another writer inserted
 * meanwhile is left alone), stored rows updated with only the fields that may change (while
 * still at the version read, rowVersion - 1), and the reservations of the rows written settled
 * (see settleReservations): atomic without a transaction (three round trips fewer). Returns the
 * ids written; a row another writer changed is missing from them.
 */
export function writeRecords(
  inserts: readonly WrittenRecord[],
  updates: readonly RecordUpdate[],
  settlements: readonly SettlementRow[],
  now: Date,
): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (inserts.length > 0)
    parts.push(Prisma.sql`ins AS (${INSERT_HEAD}${jsonOf(inserts)}${INSERT_TAIL})`);
  if (updates.length > 0) {
    // The ids as an array too: the planner then looks the rows up in the primary key (a JSON
    // recordset is estimated at 100 rows, which can mean a scan of the table).
    const ids = updates.map((row) => row.messageId);
    parts.push(
      Prisma.sql`upd AS (${UPDATE_HEAD}${jsonOf(updates)}${UPDATE_MIDDLE}ANY(${ids}::text[])${UPDATE_TAIL})`,
    );
  }
  const written = [
    ...(inserts.length > 0 ? ['SELECT message_id FROM ins'] : []),
    ...(updates.length > 0 ? ['SELECT message_id FROM upd'] : []),
  ];
  parts.push(
    written.length > 0
      ? Prisma.sql`written AS (${Prisma.raw(written.join(' UNION ALL '))})`
      : Prisma.sql`written AS (SELECT NULL::text AS message_id WHERE false)`,
  );
  if (settlements.length > 0) parts.push(settleReservations(settlements, now));
  return Prisma.sql`
    WITH ${Prisma.join(parts, ',\n    ')}
    SELECT coalesce(json_agg(message_id), '[]'::json)::text AS ids FROM written`;
}

/**
 * The shape of writeRecords' statement, as a prepared statement's name: its text depends on
 * whether the batch has inserts, updates and settlements, and on nothing else (a name must
 * always stand for the same text).
 */
export function writeShape(
  inserts: readonly unknown[],
  updates: readonly unknown[],
  settlements: readonly unknown[],
): string {
  const parts = `${inserts.length > 0 ? 'i' : ''}${updates.length > 0 ? 'u' : ''}`;
  return `accounting-write-${parts}${settlements.length > 0 ? 's' : ''}`;
}

/**
 * Settles (charged) or releases the policy's prepaid reservations of the rows written and
 * moves the tenants' balances to match (CTEs of writeRecords' statement). Only a reservation
 * still `reserved` moves, or a `released` one that a correction now charges, so a replay moves
 * no money twice.
 *   reserved -> settled:  reserved -= r, available += r - price
 *   reserved -> released: reserved -= r, available += r
 *   released -> settled:  available -= price
 * A price in another currency than the reservation (the tariff changed currency in between)
 * settles the reserved amount.
 */
function settleReservations(settlements: readonly SettlementRow[], now: Date): Prisma.Sql {
  return Prisma.sql`
    v AS (
      SELECT "messageId" AS message_id, "charged" AS charged, "amountMinor" AS amount, currency
      FROM jsonb_to_recordset(${JSON.stringify(settlements)}::jsonb)
        AS s ("messageId" text, "charged" boolean, "amountMinor" bigint, currency char(3))
      WHERE "messageId" IN (SELECT message_id FROM written)),
    moved AS (
      UPDATE balance_reservations AS b
      SET state = CASE WHEN v.charged THEN 'settled'::balance_reservation_state
                       ELSE 'released'::balance_reservation_state END,
          settled_at = ${now}::timestamptz
      FROM v, balance_reservations AS prior
      WHERE b.message_id = ANY(${settlements.map((row) => row.messageId)}::text[])
        AND b.message_id = v.message_id
        AND prior.message_id = b.message_id
        AND (b.state = 'reserved' OR (b.state = 'released' AND v.charged))
      RETURNING b.tenant_id,
        CASE WHEN prior.state = 'reserved' THEN b.amount_minor ELSE 0 END AS unreserved,
        CASE WHEN prior.state = 'reserved' THEN b.amount_minor ELSE 0 END
          - CASE WHEN NOT v.charged THEN 0
                 WHEN b.currency = v.currency THEN v.amount
                 ELSE b.amount_minor END AS returned
    ),
    balances AS (
      UPDATE tenant_balances AS t
      SET reserved_minor = t.reserved_minor - m.unreserved,
          available_minor = t.available_minor + m.returned,
          updated_at = ${now}::timestamptz
      FROM (SELECT tenant_id, SUM(unreserved) AS unreserved, SUM(returned) AS returned
            FROM moved GROUP BY tenant_id) AS m
      WHERE t.tenant_id = m.tenant_id
      RETURNING 1)`;
}
