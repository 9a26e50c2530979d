import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type DlrPathView,
  type DlrTriggerView,
  type MoHandlerView,
  type WebhookDeliveryView,
  type WebhookSecretView,
  createDlrPathSchema,
  createDlrTriggerSchema,
  createMoHandlerSchema,
  listByTenantQuery,
  listDeliveriesQuery,
  listMoHandlersQuery,
  retryDeliverySchema,
  rotateSecretSchema,
  updateDlrPathSchema,
  updateDlrTriggerSchema,
  updateMoHandlerSchema,
} from './dlr.dto';
import { DlrAdminService } from './dlr.service';

/** Customized DLR paths: where a tenant hears about its messages (openapi.yaml: tag "dlr"). */
@Controller('admin/v1/dlr/paths')
export class DlrPathsController {
  constructor(private readonly dlr: DlrAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<DlrPathView> {
    return this.dlr.createPath(actor, parseBody(createDlrPathSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<DlrPathView>> {
    return this.dlr.listPaths(parseQuery(listByTenantQuery, query));
  }

  @Get(':pathId')
  get(@Param('pathId') id: string): Promise<DlrPathView> {
    return this.dlr.getPath(id);
  }

  @Patch(':pathId')
  update(
    @Actor() actor: AdminActor,
    @Param('pathId') id: string,
    @Body() body: unknown,
  ): Promise<DlrPathView> {
    return this.dlr.updatePath(actor, id, parseBody(updateDlrPathSchema, body));
  }

  @Delete(':pathId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('pathId') id: string): Promise<void> {
    return this.dlr.deletePath(actor, id);
  }
}

/** Webhook signing secrets, per tenant (`*`: operators' trigger webhooks). */
@Controller('admin/v1/dlr/webhook-secrets')
export class WebhookSecretsController {
  constructor(private readonly dlr: DlrAdminService) {}

  /** Creates or rotates: the answer is the only time the secret is shown. */
  @Post(':tenantId')
  @HttpCode(201)
  rotate(
    @Actor() actor: AdminActor,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Promise<WebhookSecretView> {
    const { overlapSeconds } = parseBody(rotateSecretSchema, body ?? {});
    return this.dlr.rotateSecret(actor, tenantId, overlapSeconds);
  }

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string): Promise<WebhookSecretView> {
    return this.dlr.getSecret(tenantId);
  }

  @Delete(':tenantId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('tenantId') tenantId: string): Promise<void> {
    return this.dlr.deleteSecret(actor, tenantId);
  }
}

/** DLR triggers: rules on final receipts that act. */
@Controller('admin/v1/dlr/triggers')
export class DlrTriggersController {
  constructor(private readonly dlr: DlrAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<DlrTriggerView> {
    return this.dlr.createTrigger(actor, parseBody(createDlrTriggerSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<DlrTriggerView>> {
    return this.dlr.listTriggers(parseQuery(listByTenantQuery, query));
  }

  @Get(':triggerId')
  get(@Param('triggerId') id: string): Promise<DlrTriggerView> {
    return this.dlr.getTrigger(id);
  }

  @Patch(':triggerId')
  update(
    @Actor() actor: AdminActor,
    @Param('triggerId') id: string,
    @Body() body: unknown,
  ): Promise<DlrTriggerView> {
    return this.dlr.updateTrigger(actor, id, parseBody(updateDlrTriggerSchema, body));
  }

  @Delete(':triggerId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('triggerId') id: string): Promise<void> {
    return this.dlr.deleteTrigger(actor, id);
  }
}

/** MO handlers: by destination (short code or number) and keyword. */
@Controller('admin/v1/dlr/mo-handlers')
export class MoHandlersController {
  constructor(private readonly dlr: DlrAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<MoHandlerView> {
    return this.dlr.createMoHandler(actor, parseBody(createMoHandlerSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<MoHandlerView>> {
    return this.dlr.listMoHandlers(parseQuery(listMoHandlersQuery, query));
  }

  @Get(':handlerId')
  get(@Param('handlerId') id: string): Promise<MoHandlerView> {
    return this.dlr.getMoHandler(id);
  }

  @Patch(':handlerId')
  update(
    @Actor() actor: AdminActor,
    @Param('handlerId') id: string,
    @Body() body: unknown,
  ): Promise<MoHandlerView> {
    return this.dlr.updateMoHandler(actor, id, parseBody(updateMoHandlerSchema, body));
  }

  @Delete(':handlerId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('handlerId') id: string): Promise<void> {
    return this.dlr.deleteMoHandler(actor, id);
  }
}

/** The webhook outbox: what is pending, delivered or abandoned, and a way to try again. */
@Controller('admin/v1/dlr/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(private readonly dlr: DlrAdminService) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<WebhookDeliveryView>> {
    return this.dlr.listDeliveries(parseQuery(listDeliveriesQuery, query));
  }

  @Post(':deliveryId/retry')
  @HttpCode(200)
  retry(
    @Actor() actor: AdminActor,
    @Param('deliveryId') id: string,
    @Body() body: unknown,
  ): Promise<WebhookDeliveryView> {
    const { retryForSeconds } = parseBody(retryDeliverySchema, body ?? {});
    return this.dlr.retryDelivery(actor, id, retryForSeconds);
  }
}
