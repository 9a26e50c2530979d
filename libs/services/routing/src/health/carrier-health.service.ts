import { Inject, Injectable } from '@nestjs/common';
import type { CarrierHealthEvent } from '@tuxhat/contracts';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { HealthBoard, type HealthState } from './health-board';

/** This replica's view of every carrier's health, fed by carrier.health.v1, read in memory. */
@Injectable()
export class CarrierHealthService {
  private readonly board = new HealthBoard();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  record(events: readonly CarrierHealthEvent[]): void {
    for (const event of events) this.board.record(event);
  }

  stateOf(carrierId: string): HealthState {
    return this.board.stateOf(carrierId, this.clock.now().getTime());
  }
}
