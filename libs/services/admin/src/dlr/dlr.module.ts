import { Module } from '@nestjs/common';

import {
  DlrPathsController,
  DlrTriggersController,
  MoHandlersController,
  WebhookDeliveriesController,
  WebhookSecretsController,
} from './dlr.controller';
import { DlrAdminService } from './dlr.service';

@Module({
  controllers: [
    DlrPathsController,
    WebhookSecretsController,
    DlrTriggersController,
    MoHandlersController,
    WebhookDeliveriesController,
  ],
  providers: [DlrAdminService],
})
export class DlrAdminModule {}
