import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type CarrierView,
  createCarrierSchema,
  listCarriersQuery,
  updateCarrierSchema,
} from './carriers.dto';
import { CarriersService } from './carriers.service';

/** Carriers (openapi.yaml: tag "carriers"). Enable/disable is PATCH `{ "enabled": ... }`. */
@Controller('admin/v1/carriers')
export class CarriersController {
  constructor(private readonly carriers: CarriersService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<CarrierView> {
    return this.carriers.create(actor, parseBody(createCarrierSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<CarrierView>> {
    return this.carriers.list(parseQuery(listCarriersQuery, query));
  }

  @Get(':carrierId')
  get(@Param('carrierId') carrierId: string): Promise<CarrierView> {
    return this.carriers.get(carrierId);
  }

  @Patch(':carrierId')
  update(
    @Actor() actor: AdminActor,
    @Param('carrierId') carrierId: string,
    @Body() body: unknown,
  ): Promise<CarrierView> {
    return this.carriers.update(actor, carrierId, parseBody(updateCarrierSchema, body));
  }

  @Delete(':carrierId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('carrierId') carrierId: string): Promise<void> {
    return this.carriers.delete(actor, carrierId);
  }
}
