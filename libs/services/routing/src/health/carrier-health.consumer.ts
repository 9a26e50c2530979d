import { Controller } from '@nestjs/common';
import { CARRIER_HEALTH, type CarrierHealthEvent } from '@tuxhat/contracts';
import { OnEventBatch } from '@tuxhat/messaging';

import { CarrierHealthService } from './carrier-health.service';

/**
 * carrier.health.v1 through the routing consumer group: used on the in-process bus only, where
 * the one routing instance gets every event. On Kafka a group would split the topic's
 * partitions (and so the carriers) between replicas; there CarrierHealthBroadcastReader reads it.
 */
@Controller()
export class CarrierHealthConsumer {
  constructor(private readonly health: CarrierHealthService) {}

  @OnEventBatch(CARRIER_HEALTH)
  onHealth(events: CarrierHealthEvent[]): void {
    this.health.record(events);
  }
}
