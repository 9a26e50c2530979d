import { SNSClient } from '@aws-sdk/client-sns';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CarrierHealthReporter, PacedGate } from '@tuxhat/connector-kit';

import { type SnsCarrier, accountOf } from './sns-carrier.repository';
import { snsClientConfigFor } from './sns-client.factory';
import {
  SNS_CARRIERS,
  SNS_CONNECTOR_OPTIONS,
  type SnsConnectorOptions,
} from './sns-connector.options';

export interface CarrierClient {
  readonly carrier: SnsCarrier;
  readonly client: SNSClient;
  /** The account's throughput gate, shared by every carrier of the same `account`. */
  readonly gate: PacedGate;
  /** Why the last Publish failed for a reason of SNS's (throttling, 5xx, unreachable); undefined while they succeed. */
  failing: string | undefined;
}

/**
 * One SNS client per carrier this pod serves, built at boot (so a secret that is not set stops
 * the boot naming the key) and destroyed on shutdown, after the transport stopped consuming
 * and in-hand publishes finished. In front of each AWS account sits a gate holding its
 * `maxPerSecond` (OTP first when publishes queue up). A carrier is reported healthy while its
 * publishes succeed, unhealthy from the first that fails for SNS's reasons until one succeeds.
 */
@Injectable()
export class CarrierClients implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('sns-connector');
  private readonly clients = new Map<string, CarrierClient>();
  private readonly gates = new Map<string, PacedGate>();

  constructor(
    @Inject(SNS_CARRIERS) private readonly carriers: readonly SnsCarrier[],
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
    private readonly health: CarrierHealthReporter,
  ) {}

  onModuleInit(): void {
    for (const carrier of this.carriers) {
      const client = new SNSClient(
        snsClientConfigFor(carrier, this.options.requestTimeoutMs ?? 10_000),
      );
      const entry: CarrierClient = {
        carrier,
        client,
        gate: this.gateOf(carrier),
        failing: undefined,
      };
      this.clients.set(carrier.id, entry);
      this.health.register(carrier.id, () => ({
        healthy: entry.failing === undefined,
        bindsUp: entry.failing === undefined ? 1 : 0,
        bindsConfigured: 1,
        detail: entry.failing ?? 'publishing',
      }));
      void this.health.changed(carrier.id);
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

  /** Records how the carrier's last Publish went; a change of health is reported at once. */
  noteOutcome(entry: CarrierClient, failing: string | undefined): void {
    const changed = (entry.failing === undefined) !== (failing === undefined);
    entry.failing = failing;
    if (changed) void this.health.changed(entry.carrier.id);
  }

  onModuleDestroy(): void {
    for (const gate of this.gates.values()) gate.close();
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  /** One gate per account; carriers of one account that name different limits get the lowest. */
  private gateOf(carrier: SnsCarrier): PacedGate {
    const account = accountOf(carrier);
    const existing = this.gates.get(account);
    if (existing) return existing;
    const limits = this.carriers
      .filter((candidate) => accountOf(candidate) === account)
      .flatMap((candidate) =>
        candidate.settings.maxPerSecond === undefined ? [] : [candidate.settings.maxPerSecond],
      );
    const gate = new PacedGate(limits.length > 0 ? Math.min(...limits) : undefined);
    this.gates.set(account, gate);
    return gate;
  }
}
