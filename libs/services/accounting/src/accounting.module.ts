import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@tuxhat/messaging';
import { CLOCK, PRISMA, type ServiceRuntime } from '@tuxhat/runtime';

import { AccountingConfigSnapshot } from './accounting-config';
import { AccountingConsumer } from './accounting.consumer';
import {
  ACCOUNTING_OPTIONS,
  type AccountingOptions,
  RECORD_RETENTION_MS,
  recordRetentionMs,
} from './accounting.options';
import { AccountingRecordsRepository } from './accounting-records.repository';
import { AccountingService } from './accounting.service';
import { RecordPublisher } from './record-publisher.service';
import { RecordRetention } from './record-retention';

/** The accounting service: one record per message for billing, post-billing of reservations. */
@Module({})
export class AccountingModule {
  static forRoot(runtime: ServiceRuntime, options: AccountingOptions): DynamicModule {
    const retentionMs = recordRetentionMs(options);
    return {
      module: AccountingModule,
      imports: [MessagingModule.forRoot(runtime.bus)],
      controllers: [AccountingConsumer],
      providers: [
        { provide: PRISMA, useValue: runtime.prisma },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: ACCOUNTING_OPTIONS, useValue: options },
        { provide: RECORD_RETENTION_MS, useValue: retentionMs },
        AccountingConfigSnapshot,
        AccountingRecordsRepository,
        AccountingService,
        RecordPublisher,
        RecordRetention,
      ],
      exports: [RecordPublisher, RecordRetention],
    };
  }
}
