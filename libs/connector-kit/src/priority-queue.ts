import { PRIORITY_CLASSES, type PriorityClass } from '@tuxhat/contracts';

/**
 * Work waiting for a slot, served by class of service: every OTP before any transactional
 * message, every transactional before any bulk; first come, first served within a class. When a
 * carrier's window or throughput is the bottleneck this is what keeps a 2FA code from queueing
 * behind a marketing campaign.
 */
export class PriorityQueue<T> {
  private readonly lanes = new Map<PriorityClass, T[]>(
    PRIORITY_CLASSES.map((priority) => [priority, []]),
  );

  get size(): number {
    let size = 0;
    for (const lane of this.lanes.values()) size += lane.length;
    return size;
  }

  push(priority: PriorityClass, item: T): void {
    this.lane(priority).push(item);
  }

  /** Puts an item back at the head of its class (it had its turn and must retry first). */
  pushFront(priority: PriorityClass, item: T): void {
    this.lane(priority).unshift(item);
  }

  /** The next item by class of service, without taking it. */
  peek(): T | undefined {
    for (const priority of PRIORITY_CLASSES) {
      const head = this.lane(priority)[0];
      if (head !== undefined) return head;
    }
    return undefined;
  }

  shift(): T | undefined {
    for (const priority of PRIORITY_CLASSES) {
      const lane = this.lane(priority);
      if (lane.length > 0) return lane.shift();
    }
    return undefined;
  }

  reduce<A>(step: (accumulator: A, item: T) => A, initial: A): A {
    let accumulator = initial;
    for (const lane of this.lanes.values()) {
      for (const item of lane) accumulator = step(accumulator, item);
    }
    return accumulator;
  }

  /** Removes and returns every item that matches. */
  takeWhere(predicate: (item: T) => boolean): T[] {
    const taken: T[] = [];
    for (const [priority, lane] of this.lanes) {
      const kept = lane.filter((item) => {
        if (!predicate(item)) return true;
        taken.push(item);
        return false;
      });
      this.lanes.set(priority, kept);
    }
    return taken;
  }

  private lane(priority: PriorityClass): T[] {
    const lane = this.lanes.get(priority);
    if (!lane) throw new Error(`unknown class of service ${String(priority)}`);
    return lane;
  }
}
