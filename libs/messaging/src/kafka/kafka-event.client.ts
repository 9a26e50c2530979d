import { ClientProxy, type ReadPacket } from '@nestjs/microservices';
import type { HealthStatus } from '@tuxhat/observability';

import type { DirectRecordSender, OutgoingRecord } from '../bus-record';
import { RequestBatcher } from './request-batcher';
import type { KafkaPort, KafkaProducerPort } from './kafka.port';

/**
 * The Nest client services emit through in cluster mode. Emits are batched
 * (RequestBatcher) and resolve once Kafka acknowledged them on all in-sync replicas.
 */
export class KafkaEventClient extends ClientProxy implements DirectRecordSender {
  private port: KafkaProducerPort | null = null;
  private producer: RequestBatcher<OutgoingRecord> | null = null;
  private connecting: Promise<RequestBatcher<OutgoingRecord>> | null = null;
  /** The last send's failure, until a send succeeds again (the readiness probe shows it). */
  private lastFailure: string | null = null;

  constructor(private readonly kafka: KafkaPort) {
    super();
  }

  async connect(): Promise<RequestBatcher<OutgoingRecord>> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const port = this.kafka.createProducer();
      await port.connect();
      this.port = port;
      this.producer = new RequestBatcher<OutgoingRecord>((records) => port.send(records));
      return this.producer;
    })();
    return this.connecting;
  }

  async close(): Promise<void> {
    await this.producer?.flush();
    await this.port?.disconnect();
    this.port = null;
    this.producer = null;
    this.connecting = null;
  }

  /** What emit() does, without its Observable (EventPublisher calls this). */
  sendRecord(record: OutgoingRecord): Promise<void> {
    return this.dispatchEvent<void>({ pattern: record.topic, data: record });
  }

  /** The same: a record the in-sync replicas acknowledged is durable. */
  sendRecordDurably(record: OutgoingRecord): Promise<void> {
    return this.sendRecord(record);
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<OutgoingRecord>): Promise<T> {
    const producer = this.producer ?? (await this.connect());
    try {
      await producer.add(packet.data);
      this.lastFailure = null;
    } catch (error) {
      this.lastFailure = error instanceof Error ? error.message : String(error);
      throw error;
    }
    return undefined as T;
  }

  /** Ready while connected and the last send (if any) reached the brokers. */
  health(): HealthStatus {
    if (!this.producer) return { ok: false, detail: 'producer not connected' };
    if (this.lastFailure) return { ok: false, detail: `last send failed: ${this.lastFailure}` };
    return { ok: true };
  }

  protected publish(): () => void {
    throw new Error('KafkaEventClient carries events only; request/response is not supported');
  }

  unwrap<T>(): T {
    return this.producer as T;
  }
}
