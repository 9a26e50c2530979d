import { SNSClient } from '@aws-sdk/client-sns';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';

import type { SnsCarrier } from './sns-carrier.repository';
import { snsClientConfigFor } from './sns-client.factory';
import {
  SNS_CARRIERS,
  SNS_CONNECTOR_OPTIONS,
  type SnsConnectorOptions,
} from './sns-connector.options';

export interface CarrierClient {
  readonly carrier: SnsCarrier;
  readonly client: SNSClient;
}

/**
 * One SNS client per carrier this pod serves, built at boot (so a secret that is not set stops
 * the boot naming the key) and destroyed on shutdown, after the transport stopped consuming
 * and in-hand publishes finished.
 */
@Injectable()
export class CarrierClients implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('sns-connector');
  private readonly clients = new Map<string, CarrierClient>();

  constructor(
    @Inject(SNS_CARRIERS) private readonly carriers: readonly SnsCarrier[],
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
  ) {}

  onModuleInit(): void {
    for (const carrier of this.carriers) {
      const client = new SNSClient(
        snsClientConfigFor(carrier, this.options.requestTimeoutMs ?? 10_000),
      );
      this.clients.set(carrier.id, { carrier, client });
      const where = carrier.settings.endpoint ?? `AWS ${carrier.settings.region}`;
      this.logger.log(`carrier ${carrier.id}: publishing through ${where}`);
    }
  }

  /** The carrier's client, or undefined when this pod does not serve the carrier. */
  clientOf(carrierId: string): CarrierClient | undefined {
    return this.clients.get(carrierId);
  }

  heldCarriers(): string[] {
    return [...this.clients.keys()];
  }

  onModuleDestroy(): void {
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
