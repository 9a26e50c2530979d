import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { type Page, pageOf } from '../core/pagination';
import { parseQuery } from '../core/validation';
import { type AuditEntryView, auditEntryView, auditQuery } from './audit.dto';

/**
 * The audit log, newest first (openapi.yaml: tag "audit"). Read-only: nothing in the API
 * changes or deletes audit rows.
 */
@Controller('admin/v1/audit')
export class AuditController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  async list(@Query() rawQuery: unknown): Promise<Page<AuditEntryView>> {
    const query = parseQuery(auditQuery, rawQuery);
    const rows = await this.prisma.auditLog.findMany({
      where: {
        ...(query.entity !== undefined ? { entity: query.entity } : {}),
        ...(query.entityId !== undefined ? { entityId: query.entityId } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.since !== undefined || query.until !== undefined
          ? {
              at: {
                ...(query.since !== undefined ? { gte: query.since } : {}),
                ...(query.until !== undefined ? { lt: query.until } : {}),
              },
            }
          : {}),
        ...(query.cursor !== undefined ? { id: { lt: BigInt(query.cursor) } } : {}),
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, auditEntryView, (row) => row.id.toString());
  }
}
