import { Injectable } from '@nestjs/common';
import type { SmsRerouteEvent } from '@tuxhat/contracts';

/**
 * Drops a second request to reroute the same attempt of a message (a connector's timeout and a
 * DLR trigger can both ask), so the message moves on to one next carrier, not two; and knows
 * which waits for a carrier it recorded already. Requests for a message are keyed by its id, so
 * they reach the same replica; it remembers the last `capacity` attempts it moved on. After a
 * restart the derived event ids (see RoutingService) still make a repeated step the same event
 * downstream.
 */
@Injectable()
export class RerouteDeduplicator {
  static readonly CAPACITY = 100_000;
  private readonly done = new Set<string>();
  private readonly waiting = new Set<string>();

  /** The events whose attempt was not rerouted yet, once each. */
  fresh(events: readonly SmsRerouteEvent[]): SmsRerouteEvent[] {
    const seen = new Set<string>();
    return events.filter((event) => {
      const key = keyOf(event);
      if (this.done.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** Call once the events' next steps are on the bus: a failed publish must be retried, not dropped. */
  remember(events: readonly SmsRerouteEvent[]): void {
    for (const event of events) remember(this.done, keyOf(event));
  }

  /**
   * True at the first look at this request while it waits for a carrier (its wait goes into
   * the history once; after a restart once more, under the same event id).
   */
  firstWait(event: SmsRerouteEvent): boolean {
    const key = keyOf(event);
    if (this.waiting.has(key)) return false;
    remember(this.waiting, key);
    return true;
  }
}

/** Adds the key, forgetting the oldest past CAPACITY. */
function remember(keys: Set<string>, key: string): void {
  keys.add(key);
  for (const oldest of keys) {
    if (keys.size <= RerouteDeduplicator.CAPACITY) break;
    keys.delete(oldest);
  }
}

function keyOf(event: SmsRerouteEvent): string {
  return `${event.message.messageId}\u0000${event.attempt}`;
}
