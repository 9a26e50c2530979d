import { Controller, Logger, UseFilters } from '@nestjs/common';
import { SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';
import { BusExceptionFilter, OnEventBatch } from '@tuxhat/messaging';

import { StatusProjectionRepository } from './status-projection.repository';
import { StatusStreamFeed } from './status-stream.feed';
import { StatusStreamHub } from './status-stream.hub';

/**
 * The status projector: every sms.status event into the message's history, and the message's
 * status moved forward, a whole batch in one transaction (DESIGN: message state is written in
 * batches, never a round trip per event); then the new events to the tenant's status streams.
 *
 * On the in-process bus the projector sees every event and feeds the status streams itself, so
 * a streamed event is already in the history. On Kafka it projects only its replica's share of
 * the partitions, and StatusStreamFeed feeds the streams from the whole topic instead.
 *
 * BusExceptionFilter is bound here rather than as the bus microservice's global filter: in a
 * hybrid app, Nest 12 wires a connected microservice's handlers inside connectMicroservice(),
 * so a global filter added afterwards is ignored (Nest says so in a warning), and deferring
 * that wiring would run every module's init hooks twice.
 */
@Controller()
@UseFilters(BusExceptionFilter)
export class StatusProjectorConsumer {
  private readonly logger = new Logger(StatusProjectorConsumer.name);

  constructor(
    private readonly projections: StatusProjectionRepository,
    private readonly streams: StatusStreamHub,
    private readonly feed: StatusStreamFeed,
  ) {}

  @OnEventBatch(SMS_STATUS)
  async onStatus(events: SmsStatusEvent[]): Promise<void> {
    const unique = [...new Map(events.map((event) => [event.eventId, event])).values()];
    const { fresh, foreign } = await this.projections.project(unique);
    // The message row is committed before sms.submitted is published, so every status event
    // of ours finds its message. One that does not (or names another tenant) is foreign data:
    // retrying cannot fix it, and failing would hold up the batch, so it is skipped, loudly.
    if (foreign.length > 0) {
      this.logger.warn(
        `skipped ${foreign.length} status event(s) for messages that do not exist or belong to another tenant: ${foreign
          .slice(0, 10)
          .map((event) => `${event.eventId} (message ${event.messageId}, ${event.status})`)
          .join(', ')}`,
      );
    }
    // Only what was new goes to the tenants' streams: a redelivered batch is not streamed twice.
    if (fresh.length > 0 && !this.feed.active) this.streams.publish(fresh);
  }
}
