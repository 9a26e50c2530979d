import { Controller, Get, Query, UseGuards } from '@nestjs/common';

import type { Caller } from './api-key-authenticator';
import { ApiKeyGuard, CallerOf, RequireScope } from './api-key.guard';
import type { RawQuery } from './list-query.validation';
import { UsageService, type UsageView } from './usage.service';

/** GET /v1/usage?month=YYYY-MM: the tenant's monthly usage and quota. */
@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @RequireScope('read')
  get(@CallerOf() caller: Caller, @Query() query: RawQuery): Promise<UsageView> {
    return this.usage.usage(caller, query);
  }
}
