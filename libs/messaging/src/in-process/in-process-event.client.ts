import { ClientProxy, type ReadPacket } from '@nestjs/microservices';

import type { DirectRecordSender, OutgoingRecord } from '../bus-record';
import type { InProcessBroker } from './in-process.broker';

/**
 * The Nest client services emit through in all-in-one mode. EventPublisher hands it records
 * directly (sendRecord): no Observable per event; emit() works as for any Nest client.
 */
export class InProcessEventClient extends ClientProxy implements DirectRecordSender {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  /** Delivered to the subscribers' queues at once: nothing to wait for. */
  sendRecord(record: OutgoingRecord): undefined {
    this.broker.publishOne(record);
    return undefined;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<OutgoingRecord>): Promise<T> {
    this.broker.publishOne(packet.data);
    return undefined as T;
  }

  protected publish(): () => void {
    throw new Error('InProcessEventClient carries events only; request/response is not supported');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
