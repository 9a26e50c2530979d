import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type ClientCertificateView,
  listClientCertificatesQuery,
  registerClientCertificateSchema,
} from './client-certificates.dto';
import { ClientCertificatesService } from './client-certificates.service';

/** Tenants' TLS client certificates (openapi.yaml: tag "tenants"). */
@Controller('admin/v1/tenants/:tenantId/client-certificates')
export class ClientCertificatesController {
  constructor(private readonly certificates: ClientCertificatesService) {}

  @Post()
  @HttpCode(201)
  register(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<ClientCertificateView> {
    return this.certificates.register(
      actor,
      tenantId,
      parseBody(registerClientCertificateSchema, body),
    );
  }

  @Get()
  list(
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<Page<ClientCertificateView>> {
    return this.certificates.list(tenantId, parseQuery(listClientCertificatesQuery, query));
  }

  @Post(':fingerprint/revoke')
  @HttpCode(200)
  revoke(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Param('fingerprint') fingerprint: string,
  ): Promise<ClientCertificateView> {
    return this.certificates.revoke(actor, tenantId, fingerprint);
  }
}
