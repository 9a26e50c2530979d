import { Module } from '@nestjs/common';

import {
  NumberRangesController,
  PricesController,
  RoutingRulesController,
  ServerGroupsController,
} from './routing.controller';
import { RoutingAdminService } from './routing.service';

@Module({
  controllers: [
    RoutingRulesController,
    ServerGroupsController,
    NumberRangesController,
    PricesController,
  ],
  providers: [RoutingAdminService],
})
export class RoutingAdminModule {}
