import { SNSClient } from '@aws-sdk/client-sns';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  type AppliedCarrierChange,
  CarrierHealthReporter,
  CarrierWatcher,
  type HeldCarrier,
  OutboundSubscriptions,
  PacedGate,
  type Unserved,
} from '@tuxhat/connector-kit';
import type { PrismaClient } from '@tuxhat/database';
import { PRISMA } from '@tuxhat/runtime';

import {
  SNS_CARRIER_CHECKS,
  type SnsCarrier,
  type SnsSettings,
  accountOf,
} from './sns-carrier.repository';
import { awsClientConfigFor } from './sns-client.factory';
import {
  SNS_CARRIERS,
  SNS_CONNECTOR_OPTIONS,
  type SnsConnectorOptions,
} from './sns-connector.options';

export interface CarrierClient {
  readonly carrier: SnsCarrier;
  readonly client: SNSClient;
  /**
   * The account's throughput gate, shared by every carrier of the same `account` (moved to a
   * new one when a change alters the account's limit).
   */
  gate: PacedGate;
  /** Disabled (or removed) through the admin API while the pod ran: its messages fail over. */
  readonly stopped: boolean;
  /** Why the last Publish failed for a reason of SNS's (throttling, 5xx, unreachable); undefined while they succeed. */
  failing: string | undefined;
}

/**
 * One SNS client per carrier this pod serves, built at boot (loadSnsCarriers left out the
 * carriers whose credential variables are not set: the watcher's first poll reports them) and
 * destroyed on shutdown, after the transport stopped consuming and in-hand publishes finished.
 * In front of each AWS account sits a gate holding its
 * `maxPerSecond` (OTP first when publishes queue up). A carrier is reported healthy while its
 * publishes succeed, unhealthy from the first that fails for SNS's reasons until one succeeds.
 *
 * Carrier changes made while the pod runs (CarrierWatcher) swap the carrier's client: publishes
 * in hand finish on the old one (destroyed a request timeout later), the next use the new one.
 * A changed account or limit gets a fresh gate; a changed limit's waiters move to it. A disabled
 * carrier stays known, stopped: its messages are handed back to routing. A carrier added gets a
 * client and its outbound topics are consumed from then on.
 */
@Injectable()
export class CarrierClients implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('sns-connector');
  private readonly clients = new Map<string, CarrierClient>();
  private readonly gates = new Map<string, { readonly gate: PacedGate; readonly limit?: number }>();
  /** Clients replaced while publishes may still use them: destroyed later, or on shutdown. */
  private readonly retired = new Set<SNSClient>();
  private watcher: CarrierWatcher<typeof SNS_CARRIER_CHECKS.settings, SnsSettings> | undefined;

  constructor(
    @Inject(SNS_CARRIERS) private readonly carriers: readonly SnsCarrier[],
    @Inject(SNS_CONNECTOR_OPTIONS) private readonly options: SnsConnectorOptions,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly health: CarrierHealthReporter,
    private readonly subscriptions: OutboundSubscriptions,
  ) {}

  onModuleInit(): void {
    for (const carrier of this.carriers) {
      this.clients.set(carrier.id, this.entryFor(carrier, this.carriers));
      this.health.register(carrier.id, () => this.healthOf(carrier.id));
      void this.health.changed(carrier.id);
      const where = carrier.settings.endpoint ?? `AWS ${carrier.settings.region}`;
      this.logger.log(`carrier ${carrier.id}: publishing through ${where}`);
    }
    this.watcher = new CarrierWatcher({
      prisma: this.prisma,
      assignment: this.options.carriers,
      ...SNS_CARRIER_CHECKS,
      resolve: (settings) => settings,
      ...(this.options.configPollMs ? { pollMs: this.options.configPollMs } : {}),
      logger: this.logger,
      held: () => this.heldState(),
      apply: (change) => this.apply(change),
      // Health detail names rejected settings (rejectedSettings).
      onRejected: (carrierId) => void this.health.changed(carrierId),
      health: this.health,
      // What waits for a carrier the pod cannot take up goes back to routing (SmsPublisher).
      consumeRejected: (carrierId) => this.subscriptions.subscribe(carrierId),
    });
    this.watcher.start();
  }

  /** The carrier's client, or undefined when this pod does not serve the carrier. */
  clientOf(carrierId: string): CarrierClient | undefined {
    return this.clients.get(carrierId);
  }

  heldCarriers(): string[] {
    return [...this.clients.keys()];
  }

  /** The carriers this pod serves now, as their settings are now (not disabled or removed). */
  runningCarriers(): SnsCarrier[] {
    return [...this.clients.values()]
      .filter((entry) => !entry.stopped)
      .map((entry) => entry.carrier);
  }

  /** Why the pod does not serve a carrier it does not hold (CarrierWatcher), or undefined. */
  unserved(carrierId: string): Unserved | undefined {
    return this.watcher?.unserved(carrierId);
  }

  /** Records how the carrier's last Publish went; a change of health is reported at once. */
  noteOutcome(entry: CarrierClient, failing: string | undefined): void {
    const changed = (entry.failing === undefined) !== (failing === undefined);
    entry.failing = failing;
    if (changed) void this.health.changed(entry.carrier.id);
  }

  async onModuleDestroy(): Promise<void> {
    await this.watcher?.stop();
    for (const { gate } of this.gates.values()) gate.close();
    for (const { client } of this.clients.values()) client.destroy();
    for (const client of this.retired) client.destroy();
    this.clients.clear();
  }

  private healthOf(carrierId: string) {
    const entry = this.clients.get(carrierId);
    if (!entry || entry.stopped) {
      return { healthy: false, bindsUp: 0, bindsConfigured: 1, detail: 'disabled' };
    }
    const rejected = this.watcher?.rejectedSettings(carrierId);
    return {
      healthy: entry.failing === undefined,
      bindsUp: entry.failing === undefined ? 1 : 0,
      bindsConfigured: 1,
      detail:
        (entry.failing ?? 'publishing') + (rejected ? `; new settings rejected: ${rejected}` : ''),
    };
  }

  private heldState(): Map<string, HeldCarrier<SnsSettings>> {
    return new Map(
      [...this.clients].map(([id, entry]) => [
        id,
        { running: !entry.stopped, settings: entry.carrier.settings },
      ]),
    );
  }

  /**
   * A carrier changed, enabled, disabled or added while the pod runs. The new client is built
   * first: a secret that is not set throws a ConfigError and the carrier stays as it was.
   */
  private async apply(change: AppliedCarrierChange<SnsSettings>): Promise<void> {
    if (change.kind === 'added') return this.add(change.carrier);
    const id = change.kind === 'disabled' ? change.id : change.carrier.id;
    const before = this.clients.get(id);
    if (!before) return;
    if (change.kind === 'disabled') {
      this.clients.set(id, { ...before, stopped: true });
      this.logger.log(
        `carrier ${id}: ${change.reason} in the carriers table; its messages fail over`,
      );
    } else {
      const running = [...this.clients.values()]
        .filter((entry) => !entry.stopped && entry.carrier.id !== id)
        .map((entry) => entry.carrier);
      const entry = this.entryFor(change.carrier, [...running, change.carrier]);
      this.clients.set(id, entry);
      // One gate per account: the account's other carriers move to it if the limit changed.
      for (const other of this.clients.values()) {
        if (accountOf(other.carrier) === accountOf(entry.carrier)) other.gate = entry.gate;
      }
      this.logger.log(
        `carrier ${id}: ${change.kind === 'changed' ? 'settings changed' : 'enabled in the carriers table'}; publishing through ${change.carrier.settings.endpoint ?? `AWS ${change.carrier.settings.region}`}`,
      );
    }
    if (!before.stopped) this.retire(before.client);
    void this.health.changed(id);
  }

  /**
   * A carrier the pod did not serve (added after it started, or disabled then): its client is
   * built (a secret not set changes nothing), then its outbound topics are consumed from now on.
   * A subscription that fails (Kafka out of reach) leaves it unserved; the next poll tries again.
   */
  private async add(carrier: SnsCarrier): Promise<void> {
    const client = this.clientFor(carrier);
    try {
      await this.subscriptions.subscribe(carrier.id);
    } catch (error) {
      client.destroy();
      throw error;
    }
    const running = [...this.clients.values()]
      .filter((entry) => !entry.stopped)
      .map((entry) => entry.carrier);
    const entry = this.entryFor(carrier, [...running, carrier], client);
    this.clients.set(carrier.id, entry);
    for (const other of this.clients.values()) {
      if (accountOf(other.carrier) === accountOf(carrier)) other.gate = entry.gate;
    }
    this.health.register(carrier.id, () => this.healthOf(carrier.id));
    this.logger.log(
      `carrier ${carrier.id}: added; publishing through ${carrier.settings.endpoint ?? `AWS ${carrier.settings.region}`}`,
    );
    void this.health.changed(carrier.id);
  }

  /** Destroys a replaced client once publishes still on it have had their request timeout. */
  private retire(client: SNSClient): void {
    this.retired.add(client);
    const timer = setTimeout(() => {
      this.retired.delete(client);
      client.destroy();
    }, this.options.requestTimeoutMs ?? 10_000);
    timer.unref();
  }

  private clientFor(carrier: SnsCarrier): SNSClient {
    return new SNSClient(awsClientConfigFor(carrier, this.options.requestTimeoutMs ?? 10_000));
  }

  private entryFor(
    carrier: SnsCarrier,
    serving: readonly SnsCarrier[],
    client = this.clientFor(carrier),
  ): CarrierClient {
    return {
      carrier,
      client,
      gate: this.gateOf(carrier, serving),
      stopped: false,
      failing: undefined,
    };
  }

  /**
   * One gate per account; carriers of one account that name different limits get the lowest.
   * A limit that changed gets a fresh gate, which the publishes waiting at the old one move to
   * (PacedGate.handOverTo): a queue built up at a low limit drains at the new one.
   */
  private gateOf(carrier: SnsCarrier, serving: readonly SnsCarrier[]): PacedGate {
    const account = accountOf(carrier);
    const limits = serving
      .filter((candidate) => accountOf(candidate) === account)
      .flatMap((candidate) =>
        candidate.settings.maxPerSecond === undefined ? [] : [candidate.settings.maxPerSecond],
      );
    const limit = limits.length > 0 ? Math.min(...limits) : undefined;
    const existing = this.gates.get(account);
    if (existing && existing.limit === limit) return existing.gate;
    const gate = new PacedGate(limit);
    existing?.gate.handOverTo(gate);
    this.gates.set(account, { gate, ...(limit === undefined ? {} : { limit }) });
    return gate;
  }
}
