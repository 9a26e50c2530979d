import { ClientProxy, type ReadPacket } from '@nestjs/microservices';

import type { DirectRecordSender, OutgoingRecord } from '../bus-record';
import type { InProcessBroker } from './in-process.broker';

/**
 * Well below the time carriers give an ESME to answer a deliver_sm (the simulator's default is
 * 10 s, SMSCs commonly 30-60 s): a deliver_sm_resp the consumers could not earn by then is
 * better an error the carrier retries after than a timeout that may drop its session.
 */
export const DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS = 5_000;

/**
 * The Nest client services emit through in all-in-one mode. EventPublisher hands it records
 * directly (sendRecord): no Observable per event; emit() works as for any Nest client.
 */
export class InProcessEventClient extends ClientProxy implements DirectRecordSender {
  constructor(
    private readonly broker: InProcessBroker,
    /** How long sendRecordDurably waits for the consumers before it rejects. */
    private readonly acknowledgementTimeoutMs = DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS,
  ) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  /** Delivered to the subscribers' queues at once: nothing to wait for. */
  sendRecord(record: OutgoingRecord): undefined {
    this.broker.publishOne(record);
    return undefined;
  }

  /** Settles when every consumer group is done with the record (InProcessBroker.publishAcknowledged). */
  sendRecordDurably(record: OutgoingRecord): Promise<void> {
    return this.broker.publishAcknowledged(record, this.acknowledgementTimeoutMs);
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
