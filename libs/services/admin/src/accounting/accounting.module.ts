import { Module } from '@nestjs/common';

import {
  AccountingRecordsController,
  BillingRulesController,
  TariffsController,
} from './accounting.controller';
import { AccountingAdminService } from './accounting.service';

@Module({
  controllers: [TariffsController, BillingRulesController, AccountingRecordsController],
  providers: [AccountingAdminService],
})
export class AccountingAdminModule {}
