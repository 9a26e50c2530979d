import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { DlrConfig } from './config/dlr-config';
import { CorrelationRepository } from './correlation/correlation.repository';
import { DLR_OPTIONS, type DlrOptions, resolveDlrOptions } from './dlr.options';
import { DeadlinesRepository } from './expiry/deadlines.repository';
import { ExpiryScheduler } from './expiry/expiry.scheduler';
import { MessagesRepository } from './messages.repository';
import { MoPartsRepository } from './mo/mo-parts.repository';
import { MoReassemblySweeper } from './mo/mo-reassembly.sweeper';
import { MoConsumer } from './mo/mo.consumer';
import { MoService } from './mo/mo.service';
import { StatusFanout } from './paths/status-fanout';
import { StatusFanoutConsumer } from './paths/status-fanout.consumer';
import { DLR_BUS, TenantTopics } from './paths/tenant-topics';
import { PartReceiptsRepository } from './receipts/part-receipts.repository';
import { ReceiptConsumer } from './receipts/receipt.consumer';
import { OutcomeService } from './triggers/outcome.service';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

/**
 * The dlr service: correlates carrier receipts with messages into statuses (multipart,
 * expiry), delivers statuses where tenants want them (webhooks, tenant topics), runs DLR
 * triggers, and routes MO to handlers.
 */
@Module({})
export class DlrModule {
  static forRoot(runtime: ServiceRuntime, options: DlrOptions = {}): DynamicModule {
    return {
      module: DlrModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [ReceiptConsumer, StatusFanoutConsumer, MoConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: DLR_BUS, useValue: runtime.bus },
        { provide: DLR_OPTIONS, useValue: resolveDlrOptions(options) },
        DlrConfig,
        CorrelationRepository,
        PartReceiptsRepository,
        DeadlinesRepository,
        MessagesRepository,
        WebhookDeliveriesRepository,
        WebhookDispatcher,
        TenantTopics,
        StatusFanout,
        OutcomeService,
        ExpiryScheduler,
        MoPartsRepository,
        MoService,
        MoReassemblySweeper,
      ],
    };
  }
}
