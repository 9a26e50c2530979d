import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  ACCOUNTING_RECORDS,
  type SmsStatusEvent,
  deterministicUuid,
  isFinalStatus,
} from '@tuxhat/contracts';
import { EventPublisher } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { ACCOUNTING_OPTIONS, type AccountingOptions } from './accounting.options';
import {
  AccountingRecordsRepository,
  type RecordWithMessage,
} from './accounting-records.repository';

/**
 * One accounting record per message, on the accounting topic exactly once per message id:
 * the record is written first (keyed by message id, so replays add nothing), then published
 * with an event id derived from the message id, then marked published. A crash between
 * publishing and marking re-publishes the same event id, which billing de-duplicates on; a
 * crash before publishing is repaired at boot, when every unpublished record is sent.
 */
@Injectable()
export class AccountingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountingService.name);

  constructor(
    private readonly records: AccountingRecordsRepository,
    private readonly publisher: EventPublisher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ACCOUNTING_OPTIONS) private readonly options: AccountingOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let published = 0;
    for (
      let batch = await this.records.unpublished();
      batch.length > 0;
      batch = await this.records.unpublished()
    ) {
      await this.publish(batch);
      published += batch.length;
    }
    if (published > 0)
      this.logger.log(`published ${published} record(s) left unpublished by a previous run`);
  }

  async onStatusEvents(events: readonly SmsStatusEvent[]): Promise<void> {
    const finals = events.filter((event) => isFinalStatus(event.status));
    if (finals.length === 0) return;
    await this.records.createForFinalEvents(finals, this.options.currency);
    const pending = await this.records.unpublished(finals.map((event) => event.messageId));
    if (pending.length > 0) await this.publish(pending);
  }

  private async publish(records: readonly RecordWithMessage[]): Promise<void> {
    await Promise.all(
      records.map((record) =>
        this.publisher.publish(ACCOUNTING_RECORDS, {
          version: 1,
          eventId: deterministicUuid(`accounting-record/${record.messageId}`),
          occurredAt: record.finalAt.toISOString(),
          messageId: record.messageId,
          tenantId: record.tenantId,
          destination: record.message.destination,
          source: record.message.source,
          ...(record.carrierId ? { carrierId: record.carrierId } : {}),
          ...(record.routeId ? { routeId: record.routeId } : {}),
          parts: record.parts,
          encoding: record.encoding as 'gsm7' | 'ucs2',
          finalStatus: record.finalStatus,
          costMinor: record.costMinor,
          priceMinor: record.priceMinor,
          currency: record.currency,
          acceptedAt: record.submittedAt.toISOString(),
          finalAt: record.finalAt.toISOString(),
        }),
      ),
    );
    await this.records.markPublished(
      records.map((record) => record.messageId),
      this.clock.now(),
    );
  }
}
