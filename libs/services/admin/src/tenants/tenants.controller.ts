import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type ApiKeyView,
  type CreatedApiKey,
  type TenantView,
  createApiKeySchema,
  createTenantSchema,
  listApiKeysQuery,
  listTenantsQuery,
  updateTenantSchema,
} from './tenants.dto';
import { TenantsService } from './tenants.service';

/** Tenants and their API keys (openapi.yaml: tag "tenants"). */
@Controller('admin/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<TenantView> {
    return this.tenants.create(actor, parseBody(createTenantSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<TenantView>> {
    return this.tenants.list(parseQuery(listTenantsQuery, query));
  }

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string): Promise<TenantView> {
    return this.tenants.get(tenantId);
  }

  @Patch(':tenantId')
  update(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<TenantView> {
    return this.tenants.update(actor, tenantId, parseBody(updateTenantSchema, body));
  }

  @Delete(':tenantId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('tenantId') tenantId: string): Promise<void> {
    return this.tenants.delete(actor, tenantId);
  }

  @Post(':tenantId/api-keys')
  @HttpCode(201)
  createApiKey(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<CreatedApiKey> {
    return this.tenants.createApiKey(actor, tenantId, parseBody(createApiKeySchema, body));
  }

  @Get(':tenantId/api-keys')
  listApiKeys(
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<Page<ApiKeyView>> {
    return this.tenants.listApiKeys(tenantId, parseQuery(listApiKeysQuery, query));
  }

  @Post(':tenantId/api-keys/:keyId/revoke')
  @HttpCode(200)
  revokeApiKey(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Param('keyId') keyId: string,
  ): Promise<ApiKeyView> {
    return this.tenants.revokeApiKey(actor, tenantId, keyId);
  }
}
