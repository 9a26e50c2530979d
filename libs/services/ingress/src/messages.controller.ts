import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';

import type { Caller } from './api-key-authenticator';
import { ApiKeyGuard, CallerOf } from './api-key.guard';
import type { MessageView, SubmitMessageResponse } from './messages.dto';
import { MessagesService } from './messages.service';
import { ProblemError } from './problem';

/** REST tenant API. Errors become application/problem+json in HttpProblemFilter. */
@Controller('v1/messages')
@UseGuards(ApiKeyGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(202)
  submit(@CallerOf() caller: Caller, @Body() body: unknown): Promise<SubmitMessageResponse> {
    // Fastify answers every other content type with 415 before we get here; no body at all
    // (and no content type) arrives as undefined.
    if (body === undefined) {
      throw new ProblemError('unsupported_media_type', 'send the message as application/json');
    }
    return this.messages.submit(caller, body, 'REST');
  }

  @Get(':id')
  get(@CallerOf() caller: Caller, @Param('id') id: string): Promise<MessageView> {
    return this.messages.get(caller, id);
  }
}
