import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';

import type { Caller } from './api-key-authenticator';
import { ApiKeyGuard, CallerOf, RequireScope } from './api-key.guard';
import type { RawQuery } from './list-query.validation';
import type { MessagePageView, MessageView } from './messages.dto';
import { MessagesService } from './messages.service';

/**
 * REST tenant API: the reads. Errors become application/problem+json in IngressProblemFilter.
 * The submissions (POST /v1/messages, /v1/messages/batch) are Fastify routes of their own, see
 * submit-routes.ts.
 */
@Controller('v1/messages')
@UseGuards(ApiKeyGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @RequireScope('read')
  list(@CallerOf() caller: Caller, @Query() query: RawQuery): Promise<MessagePageView> {
    return this.messages.list(caller, query);
  }

  @Get(':id')
  @RequireScope('read')
  get(@CallerOf() caller: Caller, @Param('id') id: string): Promise<MessageView> {
    return this.messages.get(caller, id);
  }
}
