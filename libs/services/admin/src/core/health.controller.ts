import { Controller, Get, Inject } from '@nestjs/common';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import { PublicRoute } from './admin-auth.guard';

/** Liveness/readiness for probes: answers once the database answers. No key needed. */
@Controller('admin/health')
export class HealthController {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  @Get()
  @PublicRoute()
  async health(): Promise<{ status: 'ok' }> {
    await this.prisma.$queryRaw`SELECT 1`;
    return { status: 'ok' };
  }
}
