import { Inject, Injectable } from '@nestjs/common';
import { isRecordFinalStatus } from '@tuxhat/contracts';
import { asPriorityClass, parseAdjustments } from '@tuxhat/billing';
import {
  type AccountingRecord,
  Prisma,
  type PrismaClient,
  StatementGenerations,
  runSql,
} from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import type { RecordDraft } from './record-draft';
import {
  type RecordUpdate,
  type SettlementRow,
  UPDATE_FIELDS,
  type WrittenRecord,
  anyOf,
  claimRecords,
  parseRecords,
  selectRecordsOrMessages,
  writeRecords,
  writeShape,
} from './record-sql';

/**
 * A message without a record, as a status event finds it: what its record starts from. The
 * steps come from its status history (null where the history has none yet): they matter when
 * accounting did not see the message's earlier events itself, e.g. after a restart.
 */
export interface MessageForRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly destination: string;
  readonly source: string;
  readonly priority: string;
  readonly parts: number;
  readonly encoding: string;
  readonly clientReference: string | null;
  readonly metadata: unknown;
  readonly createdAt: Date;
  readonly carrierId: string | null;
  readonly routeId: string | null;
  /** The latest `routed` in the history, and the cost it carried. */
  readonly routedAt: Date | null;
  readonly costMinor: number | null;
  readonly costCurrency: string | null;
  /** The latest `sent` in the history. */
  readonly sentAt: Date | null;
}

/** A reservation to settle (charged) or release, with the price the record charges. */
export type Settlement = SettlementRow;

/** Another writer changed a row between our read and our write: the batch is retried. */
export class ConcurrentRecordChangeError extends Error {
  constructor(messageIds: readonly string[]) {
    super(
      `accounting records changed concurrently, batch retried: ${messageIds.slice(0, 5).join(', ')}`,
    );
    this.name = ConcurrentRecordChangeError.name;
  }
}

/**
 * The accounting_records table, read and written a batch at a time (record-sql.ts): one read
 * of the batch's records (and one of the messages that have none yet), one statement writing
 * everything that changed (optimistic lock: a row changed since it was read fails the batch)
 * and settling the policy's prepaid reservations of the rows it wrote.
 */
@Injectable()
export class AccountingRecordsRepository {
  /**
   * The hot statements are prepared, each under a new name whenever the ids this process passed
   * it doubled (StatementGenerations): unprepared, PostgreSQL parsed and planned each call, and
   * planning the batch write alone cost it ~0.7 ms a call, more than running it on a small batch
   * (pg_stat_statements at a paced 1,000 messages/s: 122 us of planning per message across the
   * gateway's unprepared statements). The records and messages they read grow with those ids.
   */
  private readonly readStatements = new StatementGenerations('accounting-read');
  /** One per shape of the batch write (writeShape: each its own text). */
  private readonly writeShapes = new Map<string, StatementGenerations>();
  private readonly claimStatements = new StatementGenerations('accounting-claim');
  private readonly publishedStatements = new StatementGenerations('accounting-published');

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * The records of these messages, and the messages that have none yet (what their first
   * record starts from), in one query.
   */
  async findRecordsOrMessages(
    messageIds: readonly string[],
  ): Promise<{ records: AccountingRecord[]; messages: MessageForRecord[] }> {
    if (messageIds.length === 0) return { records: [], messages: [] };
    const [result] = await runSql<{ records: string; messages: string }>(
      this.prisma,
      selectRecordsOrMessages(messageIds),
      this.readStatements.next(messageIds.length),
    );
    const messages = JSON.parse(result?.messages ?? '[]') as (Omit<
      MessageForRecord,
      'createdAt' | 'routedAt' | 'sentAt'
    > & { createdAt: string; routedAt: string | null; sentAt: string | null })[];
    return {
      records: parseRecords(result?.records ?? '[]'),
      messages: messages.map((row) => ({
        ...row,
        createdAt: new Date(row.createdAt),
        routedAt: row.routedAt === null ? null : new Date(row.routedAt),
        sentAt: row.sentAt === null ? null : new Date(row.sentAt),
      })),
    };
  }

  /**
   * Writes the drafts and settles the reservations of the rows written, in one statement (one
   * round trip, atomic without a transaction); the drafts among `claims` are claimed for
   * publishing by this process at `now` in the same statement (they became final here; see
   * RecordPublisher.publishClaimed). A new draft is inserted whole; a stored one sends only
   * what may change. Returns the rows as written. Throws ConcurrentRecordChangeError when a
   * row is not at the version read: that row, and its reservation, are left as they are.
   */
  async write(
    drafts: readonly RecordDraft[],
    settlements: readonly Settlement[],
    now: Date,
    claims: ReadonlySet<string> = new Set(),
  ): Promise<WrittenRecord[]> {
    if (drafts.length === 0) return [];
    // Rows in key order: two writers of overlapping batches lock in the same order (no deadlock).
    const rows = [...drafts]
      .sort((a, b) => (a.messageId < b.messageId ? -1 : 1))
      .map((draft) => rowOfDraft(draft, now, claims.has(draft.messageId)));
    const inserts = rows.filter((row) => row.rowVersion === 0);
    const updates = rows.filter((row) => row.rowVersion > 0).map(updateOfRow);
    const [result] = await runSql<{ ids: string }>(
      this.prisma,
      writeRecords(inserts, updates, settlements, now),
      this.writeStatements(writeShape(inserts, updates, settlements)).next(rows.length),
    );
    const written = new Set(JSON.parse(result?.ids ?? '[]') as string[]);
    const lost = rows.filter((row) => !written.has(row.messageId));
    if (lost.length > 0) throw new ConcurrentRecordChangeError(lost.map((row) => row.messageId));
    return rows;
  }

  private writeStatements(shape: string): StatementGenerations {
    let statements = this.writeShapes.get(shape);
    if (!statements) {
      statements = new StatementGenerations(shape);
      this.writeShapes.set(shape, statements);
    }
    return statements;
  }

  /**
   * Claims the rows among `messageIds` that wait to be published and no live publisher holds
   * (a claim older than `staleBefore` was left by a dead process). Atomic: of two publishers,
   * one gets each row. Returns the claimed rows as they are now.
   */
  async claim(
    messageIds: readonly string[],
    now: Date,
    staleBefore: Date,
  ): Promise<AccountingRecord[]> {
    if (messageIds.length === 0) return [];
    const [result] = await runSql<{ rows: string }>(
      this.prisma,
      claimRecords(messageIds, now, staleBefore),
      this.claimStatements.next(messageIds.length),
    );
    return parseRecords(result?.rows ?? '[]');
  }

  /**
   * Rows waiting to be published that no consumer is about to publish (older than `quietBefore`).
   * `publish_pending` is written as a literal: the work list is a partial index on the pending
   * rows, which a plan can use only when the predicate is in the statement's text, not a
   * parameter.
   */
  async findUnpublished(quietBefore: Date, staleBefore: Date, limit: number): Promise<string[]> {
    const rows = await runSql<{ messageId: string }>(
      this.prisma,
      Prisma.sql`
        SELECT message_id AS "messageId" FROM accounting_records
        WHERE publish_pending
          AND updated_at < ${quietBefore}::timestamptz
          AND (publish_claimed_at IS NULL OR publish_claimed_at < ${staleBefore}::timestamptz)
        ORDER BY updated_at
        LIMIT ${limit}`,
    );
    return rows.map((row) => row.messageId);
  }

  /**
   * Records which revision of each claimed row went out. A row corrected meanwhile stays
   * pending (its newer revision goes out next); a claim taken over by another publisher is left
   * to it.
   */
  async markPublished(
    published: readonly { messageId: string; revision: number }[],
    claimedAt: Date,
    now: Date,
  ): Promise<void> {
    if (published.length === 0) return;
    await runSql(
      this.prisma,
      Prisma.sql`
      UPDATE accounting_records AS r
      SET published_revision = v.revision,
          published_at = ${now}::timestamptz,
          publish_claimed_at = NULL,
          publish_pending = r.revision > v.revision,
          row_version = r.row_version + 1
      FROM unnest(${published.map((row) => row.messageId)}::text[],
                  ${published.map((row) => row.revision)}::int[]) AS v (message_id, revision)
      WHERE r.message_id = v.message_id AND r.publish_claimed_at = ${claimedAt}::timestamptz`,
      this.publishedStatements.next(published.length),
    );
  }

  /** Gives claims back after a failed publish, so the next attempt can take them. */
  async releaseClaims(messageIds: readonly string[], claimedAt: Date): Promise<void> {
    if (messageIds.length === 0) return;
    await runSql(
      this.prisma,
      Prisma.sql`
      UPDATE accounting_records
      SET publish_claimed_at = NULL, row_version = row_version + 1
      WHERE message_id = ${anyOf(messageIds)} AND publish_claimed_at = ${claimedAt}::timestamptz`,
    );
  }
}

/** The draft of a stored row. */
export function draftOfRecord(row: AccountingRecord): RecordDraft {
  const finalStatus =
    row.finalStatus && isRecordFinalStatus(row.finalStatus) ? row.finalStatus : null;
  return {
    messageId: row.messageId,
    tenantId: row.tenantId,
    classOfService: asPriorityClass(row.classOfService),
    source: row.source,
    destination: row.destination,
    country: row.country,
    network: row.network,
    clientReference: row.clientReference,
    metadata: row.metadata,
    carrierId: row.carrierId,
    routeId: row.routeId,
    parts: row.parts,
    encoding: row.encoding,
    finalStatus,
    errorCode: row.errorCode,
    costMinor: row.costMinor,
    costCurrency: row.costCurrency,
    priceMinor: row.priceMinor,
    priceCurrency: row.priceCurrency,
    listPriceMinor: row.listPriceMinor,
    tariffId: row.tariffId,
    billingMode:
      row.billingMode === 'prepaid' || row.billingMode === 'postpaid' ? row.billingMode : null,
    chargeOn: row.chargeOn === 'submit' || row.chargeOn === 'delivery' ? row.chargeOn : null,
    charged: row.charged,
    adjustments: parseAdjustments(row.adjustments),
    acceptedAt: row.acceptedAt,
    routedAt: row.routedAt,
    sentAt: row.sentAt,
    finalAt: row.finalAt,
    revision: row.revision,
    publishedRevision: row.publishedRevision,
    publishPending: row.publishPending,
    publishClaimed: row.publishClaimedAt !== null,
    rowVersion: row.rowVersion,
  };
}

/** The draft of a message without a record: not final, with the steps its history holds. */
export function draftOfMessage(
  message: MessageForRecord,
  destinationInfo: { country: string | null; network: string | null },
  currency: string,
): RecordDraft {
  return {
    messageId: message.id,
    tenantId: message.tenantId,
    classOfService: asPriorityClass(message.priority),
    source: message.source,
    destination: message.destination,
    country: destinationInfo.country,
    network: destinationInfo.network,
    clientReference: message.clientReference,
    metadata: message.metadata ?? null,
    carrierId: message.carrierId,
    routeId: message.routeId,
    parts: message.parts,
    encoding: message.encoding,
    finalStatus: null,
    errorCode: null,
    costMinor: message.costMinor ?? 0,
    costCurrency: message.costCurrency ?? currency,
    priceMinor: 0,
    priceCurrency: currency,
    listPriceMinor: 0,
    tariffId: null,
    billingMode: null,
    chargeOn: null,
    charged: false,
    adjustments: [],
    acceptedAt: message.createdAt,
    routedAt: message.routedAt,
    sentAt: message.sentAt,
    finalAt: null,
    revision: 0,
    publishedRevision: 0,
    publishPending: false,
    publishClaimed: false,
    rowVersion: -1,
  };
}

/** The row a draft writes (`claim`: claimed for publishing by this writer, at `now`). */
function rowOfDraft(draft: RecordDraft, now: Date, claim: boolean): WrittenRecord {
  return {
    messageId: draft.messageId,
    tenantId: draft.tenantId,
    classOfService: draft.classOfService,
    source: draft.source,
    destination: draft.destination,
    country: draft.country,
    network: draft.network,
    clientReference: draft.clientReference,
    metadata: draft.metadata ?? null,
    carrierId: draft.carrierId,
    routeId: draft.routeId,
    parts: draft.parts,
    encoding: draft.encoding,
    finalStatus: draft.finalStatus,
    errorCode: draft.errorCode,
    costMinor: draft.costMinor,
    costCurrency: draft.costCurrency,
    priceMinor: draft.priceMinor,
    priceCurrency: draft.priceCurrency,
    listPriceMinor: draft.listPriceMinor,
    tariffId: draft.tariffId,
    billingMode: draft.billingMode,
    chargeOn: draft.chargeOn,
    charged: draft.charged,
    adjustments: draft.adjustments,
    acceptedAt: draft.acceptedAt,
    routedAt: draft.routedAt,
    sentAt: draft.sentAt,
    finalAt: draft.finalAt,
    recordedAt: now,
    updatedAt: now,
    revision: draft.revision,
    publishedRevision: draft.publishedRevision,
    publishPending: draft.publishPending,
    publishClaimedAt: claim ? now : null,
    rowVersion: draft.rowVersion + 1,
  };
}

/**
 * What an update of a stored row sends: the fields that may change, the key, the version, read
 * from the same list the UPDATE statement sets.
 */
function updateOfRow(row: WrittenRecord): RecordUpdate {
  const update: Partial<Record<keyof RecordUpdate, unknown>> = {};
  for (const field of UPDATE_FIELDS) update[field] = row[field];
  return update as RecordUpdate;
}
