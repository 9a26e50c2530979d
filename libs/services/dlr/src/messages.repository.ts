import { Inject, Injectable } from '@nestjs/common';
import {
  FINAL_STATUSES,
  type MessageFields,
  PRIORITY_CLASSES,
  type PriorityClass,
} from '@tuxhat/contracts';
import { Prisma, type PrismaClient, StatementGenerations } from '@tuxhat/database';
import { PRISMA, RecentMap } from '@tuxhat/runtime';

import type { StoredMessage } from './dead-letters/dead-letter-settlement';
import { jsonRows } from './sql';

/** Messages whose callback fields are kept in memory (a few MB). */
const CALLBACK_CACHE_SIZE = 50_000;

/** What a status callback echoes back to the tenant, and where it goes instead of the default. */
export interface CallbackInfo {
  readonly callbackUrl: string | null;
  readonly clientReference: string | null;
  readonly metadata: Record<string, string> | null;
}

/** A message the dlr service creates itself (an MO auto-reply or opt-out confirmation). */
export interface OwnMessage {
  readonly message: MessageFields;
  /** The id of the event that submits it: also its first history row's. */
  readonly eventId: string;
  readonly detail: string;
}

/**
 * The dlr service's view of the messages table (written by ingress): batched reads for a whole
 * Kafka batch, and the writes of the messages it originates itself.
 */
@Injectable()
export class MessagesRepository {
  /** At least the CALLBACK_CACHE_SIZE read last (RecentMap). */
  private readonly callbacks = new RecentMap<string, CallbackInfo>(CALLBACK_CACHE_SIZE);
  /** Prepared, a generation per doubling of the ids read (see AccountingRecordsRepository). */
  private readonly callbackStatements = new StatementGenerations('dlr-callback-info');

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /**
   * The callback fields of these messages. They never change after ingress wrote them, so the
   * ones read are kept (the most recent CALLBACK_CACHE_SIZE): a message's later statuses (it
   * has four or more) need no query, and a batch of them none at all.
   */
  async callbackInfo(ids: readonly string[]): Promise<Map<string, CallbackInfo>> {
    const result = new Map<string, CallbackInfo>();
    const missing: string[] = [];
    for (const id of ids) {
      const cached = this.callbacks.get(id);
      if (cached) result.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return result;
    const rows = await jsonRows<{
      id: string;
      callbackUrl: string | null;
      clientReference: string | null;
      metadata: unknown;
    }>(
      this.prisma,
      Prisma.sql`SELECT id, callback_url AS "callbackUrl", client_reference AS "clientReference",
                        metadata
                 FROM messages WHERE id = ANY(${missing}::text[])`,
      this.callbackStatements.next(missing.length),
    );
    for (const row of rows) {
      const info = callbackInfoOf(row);
      result.set(row.id, info);
      this.callbacks.set(row.id, info);
    }
    return result;
  }

  /**
   * Callback fields read along with something else (a receipt's match reads them with the
   * part it names): the message's final status, which follows at once, then needs no query.
   */
  remember(entries: Iterable<readonly [string, CallbackInfo]>): void {
    for (const [id, info] of entries) this.callbacks.set(id, info);
  }

  /** Ids among `ids` whose projected status is already final. */
  async finalIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.prisma.message.findMany({
      where: { id: { in: [...ids] }, status: { in: [...FINAL_STATUSES] } },
      select: { id: true },
    });
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Tenant, status and whether a carrier holds ids for each of these messages (the dead-letter
   * settler's question). Dead letters are rare: not prepared.
   */
  async delivery(ids: readonly string[]): Promise<Map<string, StoredMessage>> {
    if (ids.length === 0) return new Map();
    const rows = await jsonRows<StoredMessage & { id: string }>(
      this.prisma,
      Prisma.sql`SELECT m.id, m.tenant_id AS "tenantId", m.status,
                        EXISTS (SELECT 1 FROM dlr_carrier_keys k WHERE k.message_id = m.id)
                          AS "atCarrier"
                 FROM messages m WHERE m.id = ANY(${[...ids]}::text[])`,
    );
    return new Map(
      rows.map(({ id, tenantId, status, atCarrier }) => [id, { tenantId, status, atCarrier }]),
    );
  }

  /** The messages as they travel the pipeline (a trigger's reroute needs every field). */
  async fields(ids: readonly string[]): Promise<Map<string, MessageFields>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.message.findMany({ where: { id: { in: [...ids] } } });
    return new Map(
      rows.map((row) => {
        const metadata = stringRecord(row.metadata);
        const fields: MessageFields = {
          messageId: row.id,
          tenantId: row.tenantId,
          destination: row.destination,
          source: row.source,
          text: row.body,
          encoding: row.encoding === 'ucs2' ? 'ucs2' : 'gsm7',
          parts: row.parts,
          acceptedAt: row.createdAt.toISOString(),
          priority: priorityOf(row.priority),
          ...(row.clientReference ? { clientReference: row.clientReference } : {}),
          ...(row.validUntil ? { validUntil: row.validUntil.toISOString() } : {}),
          ...(row.scheduledAt ? { scheduledAt: row.scheduledAt.toISOString() } : {}),
          ...(row.callbackUrl ? { callbackUrl: row.callbackUrl } : {}),
          ...(metadata ? { metadata } : {}),
        };
        return [row.id, fields];
      }),
    );
  }

  /**
   * Writes messages the dlr service originates, with their first history row, as ingress does
   * (the row exists before any event about it). Idempotent: ids are derived from the MO, so a
   * replay writes nothing.
   */
  async createOwn(messages: readonly OwnMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.prisma.$transaction([
      this.prisma.message.createMany({
        data: messages.map(({ message }) => ({
          id: message.messageId,
          tenantId: message.tenantId,
          destination: message.destination,
          source: message.source,
          body: message.text,
          encoding: message.encoding,
          parts: message.parts,
          status: 'accepted' as const,
          priority: message.priority ?? 'transactional',
          createdAt: new Date(message.acceptedAt),
          updatedAt: new Date(message.acceptedAt),
        })),
        skipDuplicates: true,
      }),
      this.prisma.messageStatusEvent.createMany({
        data: messages.map(({ message, eventId, detail }) => ({
          eventId,
          messageId: message.messageId,
          status: 'accepted' as const,
          detail,
          source: 'dlr',
          occurredAt: new Date(message.acceptedAt),
        })),
        skipDuplicates: true,
      }),
    ]);
  }
}

/** A message row's callback fields (the columns callback_url, client_reference, metadata). */
export function callbackInfoOf(row: {
  readonly callbackUrl: string | null;
  readonly clientReference: string | null;
  readonly metadata: unknown;
}): CallbackInfo {
  return {
    callbackUrl: row.callbackUrl,
    clientReference: row.clientReference,
    metadata: stringRecord(row.metadata),
  };
}

function priorityOf(value: string): PriorityClass {
  return (PRIORITY_CLASSES as readonly string[]).includes(value)
    ? (value as PriorityClass)
    : 'transactional';
}

function stringRecord(value: unknown): Record<string, string> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}
