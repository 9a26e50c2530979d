import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { DlrConfig } from './config/dlr-config';
import { DeadLetterSettlerConsumer } from './dead-letters/dead-letter-settler.consumer';
import { DeadLetteredSentRecorder } from './dead-letters/dead-lettered-sent.recorder';
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
import { DlrRetention } from './retention/dlr-retention';
import { OutcomeService } from './triggers/outcome.service';
import { WebhookDeliveriesRepository } from './webhooks/webhook-deliveries.repository';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

/**
 * Kafka: the dlr handles all the partitions of a fetch at once (the transport's default is 6).
 * A carrier that answers at once makes each receipt race its own sms.sent, and six at a time the
 * receipt batches of a fetch tended to run before its sms.sent batches started: they missed and
 * half of them went round the retry topic. All at once, a receipt that misses waits for the
 * sms.sent being recorded beside it (ReceiptConsumer.matchReceipts). bench/dlr's cluster run,
 * 20,000 receipts through the retry topic: 49% before; 47% with that wait alone, 69% with all
 * partitions at once alone, 3.9% with both. 64 is more than the partitions one lane consumer of
 * the dlr reads (four topics of 6 and its retry topic's 3, unless an operator raises them a lot).
 */
export const DLR_PARTITIONS_CONSUMED_CONCURRENTLY = 64;

/**
 * The dlr service: correlates carrier receipts with messages into statuses (multipart,
 * expiry), delivers statuses where tenants want them (webhooks, tenant topics), runs DLR
 * triggers, routes MO to handlers, and settles messages a dead letter stranded on their way to
 * a carrier or left at one without what their sms.sent records.
 */
@Module({})
export class DlrModule {
  static forRoot(runtime: ServiceRuntime, options: DlrOptions = {}): DynamicModule {
    return {
      module: DlrModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [ReceiptConsumer, StatusFanoutConsumer, MoConsumer, DeadLetterSettlerConsumer],
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
        DeadLetteredSentRecorder,
        DlrRetention,
      ],
    };
  }
}
