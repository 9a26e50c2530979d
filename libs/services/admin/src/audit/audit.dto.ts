import type { AuditLog } from '@tuxhat/database';
import { z } from 'zod';

import { pageQuery } from '../core/pagination';

const timestamp = z.iso
  .datetime({ offset: true, message: 'must be an RFC 3339 time, e.g. 2026-11-26T10:00:00Z' })
  .transform((value) => new Date(value));

export const auditQuery = z
  .strictObject({
    entity: z.string().min(1).max(64).optional(),
    entityId: z.string().min(1).max(256).optional(),
    action: z.string().min(1).max(64).optional(),
    actor: z.string().min(1).max(64).optional(),
    /** Changes at or after this time. */
    since: timestamp.optional(),
    /** Changes before this time. */
    until: timestamp.optional(),
    ...pageQuery,
  })
  .superRefine((query, ctx) => {
    if (query.cursor !== undefined && !/^\d{1,19}$/.test(query.cursor)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: "is not a cursor of this list; pass a previous page's nextCursor",
        params: { code: 'cursor_invalid' },
      });
    }
  });

export type AuditQuery = z.output<typeof auditQuery>;

/** One audited change. `id` is a string: it is a 64-bit number, beyond JSON's safe integers. */
export interface AuditEntryView {
  readonly id: string;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly at: string;
}

export function auditEntryView(row: AuditLog): AuditEntryView {
  return {
    id: row.id.toString(),
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entityId: row.entityId,
    before: row.before,
    after: row.after,
    at: row.at.toISOString(),
  };
}
