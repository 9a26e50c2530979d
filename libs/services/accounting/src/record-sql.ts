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
const UPDATED_FIELDS = WRITTEN_FIELDS.filter(
  (field) =>
    ![
      'messageId',
      'tenantId',
      'classOfService',
      'source',
      'destination',
      'clientReference',
      'metadata',
      'parts',
      'encoding',
      'acceptedAt',
      'recordedAt',
      'publishedRevision',
    ].includes(field),
);

const byField = new Map<string, (typeof COLUMNS)[number]>(COLUMNS.map((c) => [c[0], c]));
const column = (field: string) => byField.get(field)![1];

/** `message_id AS "messageId", ...`: a row as AccountingRecord's JSON. */
const SELECT_LIST = Prisma.raw(COLUMNS.map(([field, name]) => `${name} AS "${field}"`).join(', '));
const TIMESTAMP_FIELDS = COLUMNS.filter(([, , type]) => type === 'timestamptz').map(([f]) => f);

/** JSON ids in: one parameter for any number of them. */
export function idsIn(ids: readonly string[]): Prisma.Sql {
  return Prisma.sql`(SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
}

/**
 * The records of these messages, and the messages without one (the fields a first record
 * starts from), as two JSON texts of one row.
 */
export function selectRecordsOrMessages(ids: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    WITH wanted AS (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) AS id),
    r AS (SELECT ${SELECT_LIST} FROM accounting_records
          WHERE message_id IN (SELECT id FROM wanted))
    SELECT
      (SELECT coalesce(json_agg(r), '[]'::json) FROM r)::text AS records,
      (SELECT coalesce(json_agg(m), '[]'::json)
       FROM (SELECT id, tenant_id AS "tenantId", destination, source, priority, parts, encoding,
                    client_reference AS "clientReference", metadata, created_at AS "createdAt"
             FROM messages
             WHERE id IN (SELECT id FROM wanted)
               AND id NOT IN (SELECT "messageId" FROM r)) AS m)::text AS messages`;
}

/** Claims rows to publish and returns them as they are now, as one JSON text. */
export function claimRecords(ids: readonly string[], now: Date, staleBefore: Date): Prisma.Sql {
  return Prisma.sql`
    WITH claimed AS (
      UPDATE accounting_records
      SET publish_claimed_at = ${now}::timestamptz, row_version = row_version + 1
      WHERE message_id IN ${idsIn(ids)}
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

// The statement around the rows is the same every time: built once (it was built per batch,
// ~1 s of a gateway profile in string building alone).
const UPSERT_HEAD = Prisma.raw(`
    WITH written AS (
      INSERT INTO accounting_records (${WRITTEN_FIELDS.map(column).join(', ')})
      SELECT ${WRITTEN_FIELDS.map((field) => `r."${field}"`).join(', ')}
      FROM jsonb_to_recordset(`);
const UPSERT_TAIL = Prisma.raw(`::jsonb) AS r (${WRITTEN_FIELDS.map(
  (field) => `"${field}" ${byField.get(field)![2]}`,
).join(', ')})
      ON CONFLICT (message_id) DO UPDATE SET ${UPDATED_FIELDS.map((field) =>
        field === 'publishClaimedAt'
          ? // Only a claim is written (by the writer that made the record final); never
            // another publisher's claim cleared.
            `${column(field)} = coalesce(EXCLUDED.${column(field)}, accounting_records.${column(field)})`
          : `${column(field)} = EXCLUDED.${column(field)}`,
      ).join(', ')}
      WHERE accounting_records.row_version = EXCLUDED.row_version - 1
      RETURNING message_id)
    SELECT coalesce(json_agg(message_id), '[]'::json)::text AS ids FROM written`);

/**
 * One INSERT .. ON CONFLICT for any number of rows. A new row comes with rowVersion 0; a stored
 * one is updated only while it is still at the version read (rowVersion - 1, the WHERE of DO
 * UPDATE): a row another writer changed is missing from the returned ids.
 */
export function upsertRecords(rows: readonly WrittenRecord[]): Prisma.Sql {
  return Prisma.sql`${UPSERT_HEAD}${JSON.stringify(rows)}${UPSERT_TAIL}`;
}
