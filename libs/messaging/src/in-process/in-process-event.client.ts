import { ClientProxy, type ReadPacket } from '@nestjs/microservices';

import type { OutgoingRecord } from '../bus-record';
import type { InProcessBroker } from './in-process.broker';

/** The Nest client services emit through in all-in-one mode. */
export class InProcessEventClient extends ClientProxy {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<OutgoingRecord>): Promise<T> {
    this.broker.publish([packet.data]);
    return undefined as T;
  }

  protected publish(): () => void {
    throw new Error('InProcessEventClient carries events only; request/response is not supported');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
