import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';

import { Actor } from '../core/admin-auth.guard';
import type { AdminActor } from '../core/admin-key.authenticator';
import type { Page } from '../core/pagination';
import { parseBody, parseQuery } from '../core/validation';
import {
  type BillingRuleView,
  type TariffView,
  type UsageView,
  createBillingRuleSchema,
  createTariffSchema,
  exportQuery,
  listBillingRulesQuery,
  listTariffsQuery,
  updateBillingRuleSchema,
  updateTariffSchema,
  usageQuery,
} from './accounting.dto';
import { AccountingAdminService } from './accounting.service';

/** Tenant tariffs: the price per SMS part accounting charges (openapi.yaml: tag "accounting"). */
@Controller('admin/v1/accounting/tariffs')
export class TariffsController {
  constructor(private readonly accounting: AccountingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<TariffView> {
    return this.accounting.createTariff(actor, parseBody(createTariffSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<TariffView>> {
    return this.accounting.listTariffs(parseQuery(listTariffsQuery, query));
  }

  @Get(':tariffId')
  get(@Param('tariffId') id: string): Promise<TariffView> {
    return this.accounting.getTariff(id);
  }

  @Patch(':tariffId')
  update(
    @Actor() actor: AdminActor,
    @Param('tariffId') id: string,
    @Body() body: unknown,
  ): Promise<TariffView> {
    return this.accounting.updateTariff(actor, id, parseBody(updateTariffSchema, body));
  }

  @Delete(':tariffId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('tariffId') id: string): Promise<void> {
    return this.accounting.deleteTariff(actor, id);
  }
}

/** Custom billing rules switched on per tenant (libs/billing: the extension point). */
@Controller('admin/v1/accounting/billing-rules')
export class BillingRulesController {
  constructor(private readonly accounting: AccountingAdminService) {}

  @Post()
  @HttpCode(201)
  create(@Actor() actor: AdminActor, @Body() body: unknown): Promise<BillingRuleView> {
    return this.accounting.createBillingRule(actor, parseBody(createBillingRuleSchema, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<Page<BillingRuleView>> {
    return this.accounting.listBillingRules(parseQuery(listBillingRulesQuery, query));
  }

  @Get(':ruleId')
  get(@Param('ruleId') id: string): Promise<BillingRuleView> {
    return this.accounting.getBillingRule(id);
  }

  @Patch(':ruleId')
  update(
    @Actor() actor: AdminActor,
    @Param('ruleId') id: string,
    @Body() body: unknown,
  ): Promise<BillingRuleView> {
    return this.accounting.updateBillingRule(actor, id, parseBody(updateBillingRuleSchema, body));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  delete(@Actor() actor: AdminActor, @Param('ruleId') id: string): Promise<void> {
    return this.accounting.deleteBillingRule(actor, id);
  }
}

/** Usage and exports from the accounting records (docs/accounting-records.md). */
@Controller('admin/v1/accounting')
export class AccountingRecordsController {
  constructor(private readonly accounting: AccountingAdminService) {}

  @Get('usage')
  usage(@Query() query: unknown): Promise<UsageView> {
    return this.accounting.usage(parseQuery(usageQuery, query));
  }

  /** Streams the period's records: NDJSON (the topic's record per line) or CSV. */
  @Get('export')
  export(@Query() query: unknown): StreamableFile {
    const result = this.accounting.export(parseQuery(exportQuery, query));
    return new StreamableFile(result.stream, {
      type: result.contentType,
      disposition: `attachment; filename="${result.fileName}"`,
    });
  }
}
