import { Controller } from '@nestjs/common';
import {
  SMS_ACCEPTED,
  SMS_OUTBOUND,
  SMS_STATUS,
  type SmsAcceptedEvent,
  derivedEnvelope,
} from '@tuxhat/contracts';
import { EventPublisher, OnEventBatch } from '@tuxhat/messaging';

import { RouteTable } from './route-table';

/** sms.accepted -> sms.outbound.<carrier>, with a `routed` status that says why; or `failed` when nothing matches. */
@Controller()
export class RoutingConsumer {
  constructor(
    private readonly routes: RouteTable,
    private readonly publisher: EventPublisher,
  ) {}

  @OnEventBatch(SMS_ACCEPTED)
  async onAccepted(events: SmsAcceptedEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.route(event)));
  }

  private async route({ eventId, message, decision }: SmsAcceptedEvent): Promise<void> {
    const match = this.routes.match(message.tenantId, message.destination);
    const skipped = match.skipped.length > 0 ? `; skipped ${match.skipped.join(', ')}` : '';
    if (!match.matched) {
      await this.publisher.publish(SMS_STATUS, {
        ...derivedEnvelope(eventId, 'status'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'failed',
        detail: `no route for ${message.destination}${skipped}`,
        source: 'routing',
        errorCode: 'no_route',
      });
      return;
    }
    const { route } = match;
    await Promise.all([
      this.publisher.publish(SMS_OUTBOUND, {
        ...derivedEnvelope(eventId, 'outbound'),
        message,
        carrierId: route.carrierId,
        routeId: route.id,
        attempt: 1,
      }),
      this.publisher.publish(SMS_STATUS, {
        ...derivedEnvelope(eventId, 'status'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'routed',
        detail: `${decision}; route ${route.id} (priority ${route.priority}) -> carrier ${route.carrierId}${skipped}`,
        source: 'routing',
        carrierId: route.carrierId,
        routeId: route.id,
      }),
    ]);
  }
}
