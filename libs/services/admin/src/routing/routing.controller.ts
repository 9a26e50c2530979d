import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type NumberRangeView,
  type PriceView,
  type RuleView,
  type ServerGroupView,
  createNumberRangeSchema,
  createPriceSchema,
  createRuleSchema,
  createServerGroupSchema,
  listNumberRangesQuery,
  listPricesQuery,
  listRulesQuery,
  listServerGroupsQuery,
  updateNumberRangeSchema,
  updatePriceSchema,
  updateRuleSchema,
  updateServerGroupSchema,
} from './routing.dto';
import { RoutingAdminService } from './routing.service';

/** Routing rules, first match by priority (openapi.yaml: tag "routing"). */
@Controller('admin/v1/routing/rules')
export class RoutingRulesController {
  constructor(private readonly routing: RoutingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<RuleView> {
    return this.routing.createRule(actor, parseBody(createRuleSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<RuleView>> {
    return this.routing.listRules(parseQuery(listRulesQuery, query));
  }

  @Get(':ruleId')
  get(@Param('ruleId') id: string): Promise<RuleView> {
    return this.routing.getRule(id);
  }

  @Patch(':ruleId')
  update(
    @Actor() actor: AdminActor,
    @Param('ruleId') id: string,
    @Body() body: unknown,
  ): Promise<RuleView> {
    return this.routing.updateRule(actor, id, parseBody(updateRuleSchema, body));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('ruleId') id: string): Promise<void> {
    return this.routing.deleteRule(actor, id);
  }
}

/** Server groups: carriers ordered by a strategy (openapi.yaml: tag "routing"). */
@Controller('admin/v1/routing/server-groups')
export class ServerGroupsController {
  constructor(private readonly routing: RoutingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<ServerGroupView> {
    return this.routing.createServerGroup(actor, parseBody(createServerGroupSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<ServerGroupView>> {
    return this.routing.listServerGroups(parseQuery(listServerGroupsQuery, query));
  }

  @Get(':groupId')
  get(@Param('groupId') id: string): Promise<ServerGroupView> {
    return this.routing.getServerGroup(id);
  }

  @Patch(':groupId')
  update(
    @Actor() actor: AdminActor,
    @Param('groupId') id: string,
    @Body() body: unknown,
  ): Promise<ServerGroupView> {
    return this.routing.updateServerGroup(actor, id, parseBody(updateServerGroupSchema, body));
  }

  @Delete(':groupId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('groupId') id: string): Promise<void> {
    return this.routing.deleteServerGroup(actor, id);
  }
}

/** Number ranges: E.164 prefix -> network (openapi.yaml: tag "routing"). */
@Controller('admin/v1/routing/number-ranges')
export class NumberRangesController {
  constructor(private readonly routing: RoutingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<NumberRangeView> {
    return this.routing.createNumberRange(actor, parseBody(createNumberRangeSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<NumberRangeView>> {
    return this.routing.listNumberRanges(parseQuery(listNumberRangesQuery, query));
  }

  @Get(':prefix')
  get(@Param('prefix') prefix: string): Promise<NumberRangeView> {
    return this.routing.getNumberRange(prefix);
  }

  @Patch(':prefix')
  update(
    @Actor() actor: AdminActor,
    @Param('prefix') prefix: string,
    @Body() body: unknown,
  ): Promise<NumberRangeView> {
    return this.routing.updateNumberRange(actor, prefix, parseBody(updateNumberRangeSchema, body));
  }

  @Delete(':prefix')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('prefix') prefix: string): Promise<void> {
    return this.routing.deleteNumberRange(actor, prefix);
  }
}

/** Carrier prices per SMS part, for least-cost routing and accounting (openapi.yaml: tag "routing"). */
@Controller('admin/v1/routing/prices')
export class PricesController {
  constructor(private readonly routing: RoutingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<PriceView> {
    return this.routing.createPrice(actor, parseBody(createPriceSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<PriceView>> {
    return this.routing.listPrices(parseQuery(listPricesQuery, query));
  }

  @Get(':priceId')
  get(@Param('priceId') id: string): Promise<PriceView> {
    return this.routing.getPrice(id);
  }

  @Patch(':priceId')
  update(
    @Actor() actor: AdminActor,
    @Param('priceId') id: string,
    @Body() body: unknown,
  ): Promise<PriceView> {
    return this.routing.updatePrice(actor, id, parseBody(updatePriceSchema, body));
  }

  @Delete(':priceId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('priceId') id: string): Promise<void> {
    return this.routing.deletePrice(actor, id);
  }
}
