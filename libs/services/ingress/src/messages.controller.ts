import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';

import type { Caller } from './api-key-authenticator';
import { ApiKeyGuard, CallerOf, RequireScope } from './api-key.guard';
import { parseIdempotencyKey } from './idempotency';
import type { RawQuery } from './list-query.validation';
import type {
  MessagePageView,
  MessageView,
  SubmitBatchResponse,
  SubmitMessageResponse,
} from './messages.dto';
import { MessagesService, type SubmitOutcome } from './messages.service';
import { ProblemError } from './problem';

/** What the controller needs of the reply, whichever HTTP adapter carries it. */
interface HttpReply {
  header(name: string, value: string): unknown;
}

/** REST tenant API. Errors become application/problem+json in IngressProblemFilter. */
@Controller('v1/messages')
@UseGuards(ApiKeyGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('send')
  async submit(
    @CallerOf() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: HttpReply,
  ): Promise<SubmitMessageResponse> {
    const outcome = await this.messages.submit(caller, requireBody(body), {
      channel: 'REST',
      idempotencyKey: parseIdempotencyKey(idempotencyKey),
    });
    return answer(outcome, reply);
  }

  @Post('batch')
  @HttpCode(202)
  @RequireScope('send')
  async submitBatch(
    @CallerOf() caller: Caller,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: HttpReply,
  ): Promise<SubmitBatchResponse> {
    const outcome = await this.messages.submitBatch(caller, requireBody(body), {
      channel: 'REST',
      idempotencyKey: parseIdempotencyKey(idempotencyKey),
    });
    return answer(outcome, reply);
  }

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

/**
 * Fastify answers every other content type with 415 before we get here; no body at all (and
 * no content type) arrives as undefined.
 */
function requireBody(body: unknown): unknown {
  if (body === undefined) {
    throw new ProblemError('unsupported_media_type', 'send the request as application/json');
  }
  return body;
}

/** The stored answer with its headers; a replay says so (`Idempotent-Replayed: true`). */
function answer<Body>(outcome: SubmitOutcome<Body>, reply: HttpReply): Body {
  for (const [name, value] of Object.entries(outcome.response.headers ?? {})) {
    reply.header(name, value);
  }
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  return outcome.response.body;
}
