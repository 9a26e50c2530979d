import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type BalanceView,
  type PolicyView,
  type SuppressionView,
  createSuppressionSchema,
  listPolicyVersionsQuery,
  listSuppressionsQuery,
  putPolicySchema,
  topUpSchema,
} from './policies.dto';
import { PoliciesAdminService } from './policies.service';

/**
 * A tenant's usage policy, suppression list and prepaid balance (openapi.yaml: tag "policy";
 * the rules: libs/services/policy/README.md).
 */
@Controller('admin/v1/tenants/:tenantId')
export class PoliciesController {
  constructor(private readonly policies: PoliciesAdminService) {}

  @Get('policy')
  getPolicy(@Param('tenantId') tenantId: string): Promise<PolicyView> {
    return this.policies.getPolicy(tenantId);
  }

  @Put('policy')
  putPolicy(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<PolicyView> {
    return this.policies.putPolicy(actor, tenantId, parseBody(putPolicySchema, body));
  }

  @Get('policy/versions')
  listPolicyVersions(
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<Page<PolicyView>> {
    return this.policies.listPolicyVersions(tenantId, parseQuery(listPolicyVersionsQuery, query));
  }

  @Get('suppressions')
  listSuppressions(
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<Page<SuppressionView>> {
    return this.policies.listSuppressions(tenantId, parseQuery(listSuppressionsQuery, query));
  }

  @Post('suppressions')
  @HttpCode(201)
  addSuppression(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<SuppressionView> {
    return this.policies.addSuppression(actor, tenantId, parseBody(createSuppressionSchema, body));
  }

  /** The number in E.164 with "+" (URL-encoded as %2B, or literally). */
  @Delete('suppressions/:number')
  @HttpCode(204)
  removeSuppression(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Param('number') number: string,
  ): Promise<void> {
    return this.policies.removeSuppression(actor, tenantId, number);
  }

  @Get('balance')
  getBalance(@Param('tenantId') tenantId: string): Promise<BalanceView> {
    return this.policies.getBalance(tenantId);
  }

  /** Answers the balance (200), not a top-up resource: top-ups live in the audit log. */
  @Post('balance/top-ups')
  @HttpCode(200)
  topUp(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<BalanceView> {
    return this.policies.topUp(actor, tenantId, parseBody(topUpSchema, body));
  }
}
