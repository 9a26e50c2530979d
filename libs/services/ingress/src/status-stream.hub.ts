import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SmsStatusEvent } from '@tuxhat/contracts';

/** A connected status stream: told every new status event of its tenant, and when to end. */
export interface StatusSubscriber {
  next(event: SmsStatusEvent): void;
  /** The service is closing: end the stream cleanly. */
  end(): void;
}

/**
 * Fans status events out to the tenant's connected streams (gRPC StreamStatus). Fed on the
 * in-process bus by the status projector with the events it has just written (a streamed event
 * is then already in the message's history), on Kafka by StatusStreamFeed from the whole topic;
 * a replayed event is not streamed twice either way. Tenant isolation is the map key: an event
 * only ever reaches subscribers of the tenant it names.
 */
@Injectable()
export class StatusStreamHub implements OnModuleDestroy {
  private readonly subscribers = new Map<string, Set<StatusSubscriber>>();
  private readonly watchers = new Set<(open: number) => void>();

  subscribe(tenantId: string, subscriber: StatusSubscriber): () => void {
    let set = this.subscribers.get(tenantId);
    if (!set) {
      set = new Set();
      this.subscribers.set(tenantId, set);
    }
    set.add(subscriber);
    this.changed();
    return () => {
      const current = this.subscribers.get(tenantId);
      if (!current?.delete(subscriber)) return;
      if (current.size === 0) this.subscribers.delete(tenantId);
      this.changed();
    };
  }

  /** Calls `watcher` with the number of open streams whenever a stream opens or closes. */
  watch(watcher: (open: number) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private changed(): void {
    if (this.watchers.size === 0) return;
    const open = this.count();
    for (const watcher of this.watchers) watcher(open);
  }

  publish(events: readonly SmsStatusEvent[]): void {
    if (this.subscribers.size === 0) return;
    for (const event of events) {
      const set = this.subscribers.get(event.tenantId);
      if (!set) continue;
      for (const subscriber of [...set]) subscriber.next(event);
    }
  }

  /** Whether a stream of this tenant is open. */
  isStreaming(tenantId: string): boolean {
    return this.subscribers.has(tenantId);
  }

  /** Streams connected right now, for tests and metrics. */
  count(tenantId?: string): number {
    if (tenantId !== undefined) return this.subscribers.get(tenantId)?.size ?? 0;
    let total = 0;
    for (const set of this.subscribers.values()) total += set.size;
    return total;
  }

  /** Ends every stream, so the gRPC server's graceful shutdown is not held open by them. */
  onModuleDestroy(): void {
    const all = [...this.subscribers.values()].flatMap((set) => [...set]);
    this.subscribers.clear();
    for (const subscriber of all) subscriber.end();
  }
}
