import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { smppSettingsSchema, resolveSmppSettings } from '@tuxhat/config';
import {
  type AppliedCarrierChange,
  CarrierHealthReporter,
  type CarrierHealthState,
  type CarrierRow,
  CarrierWatcher,
  type HeldCarrier,
  OutboundSubscriptions,
  type Unserved,
  changedSettingKeys,
} from '@tuxhat/connector-kit';
import type { PrismaClient } from '@tuxhat/database';
import { WarningBurst } from '@tuxhat/observability';
import { PRISMA } from '@tuxhat/runtime';
import { type BindType, DEFAULT_BACKOFF, type EsmeClient, backoffDelay } from '@tuxhat/smpp';

import { BindInstruments, type InstrumentedBind } from './bind-instruments';
import { BindLeases } from './bind-leases.repository';
import { CarrierDispatcher } from './dispatch/carrier-dispatcher';
import { createEsmeClient } from './esme-client.factory';
import { ReceiptIntake } from './receipt-intake';
import {
  type LoadedSmppCarriers,
  type SmppCarrier,
  type SmppSettings,
  bindModesOf,
  canSubmit,
  canSubmitOn,
} from './smpp-carrier.repository';
import {
  BIND_LEASES,
  SMPP_CARRIERS,
  SMPP_CONNECTOR_OPTIONS,
  type SmppConnectorOptions,
} from './smpp-connector.options';
import { type SmscAccounts, newAccountGroups, smscAccountsOf } from './smsc-accounts';
import { type StatusPolicy, statusPolicyOf } from './submit-error.classifier';

interface BindSession {
  readonly label: string;
  readonly mode: BindType;
  /** Replaced by a fresh one when the bind is closed to give its slot back. */
  client: EsmeClient;
  /** Whether this bind should be up (its slot is held, or the carrier has no bind limit). */
  open: boolean;
  /** The first-bind loop; the ESME client reconnects by itself once it has bound. */
  loop?: Promise<void>;
  /** Cuts the loop's back-off wait short on shutdown. */
  wake?: () => void;
  /** Listeners of the bind's instruments, moved to each new client. */
  readonly observers: Array<{ event: InstrumentedEvent; listener: (event: object) => void }>;
  /** deliver_sm answered ESME_RX_T_APPN: one line per burst (a backlog times out thousands). */
  readonly notTaken: WarningBurst;
}

type InstrumentedEvent = 'bound' | 'unbound' | 'reconnecting';

/** A carrier as this pod holds it: its binds, the dispatcher in front of them, its status policy. */
export interface CarrierLink {
  readonly carrier: SmppCarrier;
  readonly binds: readonly BindSession[];
  readonly dispatcher: CarrierDispatcher;
  readonly policy: StatusPolicy;
  /**
   * Disabled (or removed) through the admin API while the pod ran: binds closed, and the
   * dispatcher refuses every part as not bound, so its messages fail over like a down carrier's.
   */
  readonly stopped: boolean;
}

const DEFAULT_THROTTLE_BACKOFF = {
  initialDelayMs: 200,
  maxDelayMs: 5_000,
  multiplier: 2,
  jitter: 0.5,
};

/**
 * The binds of every carrier this pod holds (SMPP 3.4 §2.2): as many as the carrier's `binds`
 * say (transmitter, receiver, transceiver), opened at boot and kept up: a bind that cannot be
 * made at boot is retried with back-off, a lost one is re-established by its ESME client. The
 * transmit-capable binds sit behind the carrier's dispatcher (window, throughput, OTP first);
 * receipts and MOs from any bind go to ReceiptIntake. Every bind going up or down is reported as
 * carrier health at once.
 *
 * A carrier with `maxBinds` is shared by every pod through bind slots in the database
 * (BindLeases): binds open in the order configured, one per slot held. A pod that holds no slot
 * of such a carrier waits at boot (before it consumes anything) until one frees up: a standby.
 *
 * Carrier changes made while the pod runs (CarrierWatcher: the config revision moved) apply
 * one at a time, with the lease upkeep, never two at once: a changed carrier's dispatcher holds
 * its parts while the old binds finish their window and unbind, then binds with the new
 * settings and goes on (replace); a disabled one refuses its parts (they fail over) and unbinds
 * (disable); re-enabled, it binds again (enable); one the pod did not hold has its outbound
 * topics consumed and binds (add). Settings a bind cannot use throw a ConfigError
 * before anything changes: the carrier keeps running as it was.
 *
 * Shutdown (Nest closes the transport before module hooks run): consumption has stopped and
 * in-hand events are done when onModuleDestroy runs; each client then waits for responses still
 * outstanding and deliver handlers still publishing, unbinds (§4.2), and closes; the slots go back.
 */
@Injectable()
export class CarrierSessions implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('smpp-connector');
  private readonly links = new Map<string, CarrierLink>();
  private closing = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;
  private instruments: BindInstruments | undefined;
  /** Lease upkeep and carrier changes, one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  /** Carriers whose binds are being replaced: reported healthy meanwhile (their parts wait). */
  private readonly switching = new Set<string>();
  private watcher: CarrierWatcher<typeof smppSettingsSchema, SmppSettings> | undefined;
  /** accountCarriersOf's answers: from the boot's read of the table, then from each change. */
  private accounts: SmscAccounts = new Map();

  constructor(
    @Inject(SMPP_CARRIERS) private readonly loaded: LoadedSmppCarriers,
    @Inject(SMPP_CONNECTOR_OPTIONS) private readonly options: SmppConnectorOptions,
    @Inject(BIND_LEASES) private readonly leases: BindLeases,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    private readonly intake: ReceiptIntake,
    private readonly health: CarrierHealthReporter,
    private readonly subscriptions: OutboundSubscriptions,
  ) {}

  /**
   * Creates every bind's client first (loadSmppCarriers left out the carriers whose binds could
   * not be created: the watcher's first poll reports them), takes the bind slots of carriers
   * with a bind limit (waiting, as a standby, for one of each), then starts the binds and waits
   * (at most bootWaitMs) for the first attempts; from then on it follows carrier changes
   * (CarrierWatcher).
   */
  async onModuleInit(): Promise<void> {
    // Before any bind is up: a receipt may come before the watcher's first poll.
    this.learnAccounts(this.loaded.rows);
    const { carriers } = this.loaded;
    this.instruments = new BindInstruments(
      carriers.map((carrier) => carrier.id),
      this.options.readyWhen ?? 'all',
    );
    for (const carrier of carriers) {
      this.install(this.linkFor(carrier, this.bindsFor(carrier)));
      this.health.register(carrier.id, () => this.healthOf(carrier.id));
    }
    await this.holdSlotsAtBoot();
    const firstAttempts = [...this.links.values()].flatMap((link) =>
      link.binds.filter((bind) => bind.open).map((bind) => this.startBind(link, bind)),
    );
    for (const link of this.links.values()) void this.health.changed(link.carrier.id);
    this.keepSlots();
    await withinMs(Promise.all(firstAttempts), this.bootWaitMs());
    this.watcher = new CarrierWatcher({
      prisma: this.prisma,
      kind: 'smpp',
      assignment: this.options.carriers,
      settings: smppSettingsSchema,
      resolve: resolveSmppSettings,
      ...(this.options.configPollMs ? { pollMs: this.options.configPollMs } : {}),
      logger: this.logger,
      held: () => this.heldState(),
      apply: (change) => this.apply(change),
      // Health detail names rejected settings (rejectedSettings).
      onRejected: (carrierId) => void this.health.changed(carrierId),
      health: this.health,
      // What waits for a carrier the pod cannot take up goes back to routing (MessageSubmitter).
      consumeRejected: (carrierId) => this.subscriptions.subscribe(carrierId),
      // Carriers this pod does not hold share SMSC accounts too; the poll reads every SMPP row.
      onRows: (rows) => this.learnAccounts(rows),
    });
    this.watcher.start();
  }

  /** The carrier as this pod holds it, or undefined when it does not. */
  linkOf(carrierId: string): CarrierLink | undefined {
    return this.links.get(carrierId);
  }

  heldCarriers(): string[] {
    return [...this.links.keys()];
  }

  /** Why the pod does not serve a carrier it does not hold (CarrierWatcher), or undefined. */
  unserved(carrierId: string): Unserved | undefined {
    return this.watcher?.unserved(carrierId);
  }

  /**
   * The carriers of the table on the same SMSC account (host, port, system_id) as this one,
   * itself included, sorted, whichever pod holds them and enabled or not; empty when it shares
   * its account with none. The SMSC may deliver a receipt for a message one of them sent on a
   * bind of another.
   */
  accountCarriersOf(carrierId: string): readonly string[] {
    // Asked for every receipt and MO: a lookup in what learnAccounts worked out.
    return this.accounts.get(carrierId) ?? [];
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.watcher?.stop();
    clearInterval(this.leaseTimer);
    await this.maintaining;
    await this.serial;
    const links = [...this.links.values()].filter((link) => !link.stopped);
    for (const link of links) link.dispatcher.close();
    await Promise.all(
      links.map(async (link) => {
        await Promise.all(link.binds.map((bind) => this.stopBind(bind)));
        this.logger.log(`carrier ${link.carrier.id}: every bind unbound and closed`);
        await this.health.changed(link.carrier.id);
      }),
    );
    if (this.limited().length > 0) {
      await this.leases.releaseAll().catch((error: unknown) => {
        this.logger.warn(`bind slots not released (they expire): ${String(error)}`);
      });
    }
    this.instruments?.close();
  }

  /**
   * The binds of a carrier, their clients created but not connected: settings a bind cannot
   * carry (a secret not set, a TLS file not readable, a system_id too long) throw a ConfigError
   * here, before any socket is opened or any running bind is touched.
   */
  private bindsFor(carrier: SmppCarrier): BindSession[] {
    const modes = bindModesOf(carrier.settings);
    const limited = carrier.settings.maxBinds !== undefined;
    return modes.map((mode, index): BindSession => ({
      label: `carrier ${carrier.id} bind ${index + 1}/${modes.length} (${mode})`,
      mode,
      client: createEsmeClient(carrier, mode, this.options),
      open: !limited,
      observers: [],
      notTaken: new WarningBurst((line) => this.logger.warn(line)),
    }));
  }

  /** The carrier's link over these binds: a new dispatcher, or the given one (binds replaced). */
  private linkFor(
    carrier: SmppCarrier,
    binds: BindSession[],
    dispatcher?: CarrierDispatcher,
  ): CarrierLink {
    const { throughput } = carrier.settings;
    const policy = statusPolicyOf(carrier.settings);
    const limits = {
      ...(throughput.perCarrier ? { carrierRatePerSecond: throughput.perCarrier } : {}),
      statusPolicy: policy,
    };
    const lanes = this.lanesOf(carrier, binds);
    if (dispatcher) dispatcher.replaceBinds(lanes, limits);
    return {
      carrier,
      binds,
      dispatcher:
        dispatcher ??
        new CarrierDispatcher(lanes, {
          ...limits,
          throttleRetries: this.options.throttleRetries ?? 3,
          throttleBackoff: { ...DEFAULT_THROTTLE_BACKOFF, ...this.options.throttleBackoff },
          notBoundWaitMs: this.options.notBoundWaitMs ?? 3_000,
          onCount: (counter) => this.health.count(carrier.id, counter),
        }),
      policy,
      stopped: false,
    };
  }

  /** The dispatcher's view of the carrier's transmit-capable binds. */
  private lanesOf(carrier: SmppCarrier, binds: readonly BindSession[]) {
    const { throughput, windowSize } = carrier.settings;
    return binds
      .filter((bind) => canSubmitOn(bind.mode))
      .map((bind) => ({
        channel: {
          get canSubmitNow() {
            return bind.client.state === 'bound';
          },
          submitSm: (params: Parameters<EsmeClient['submitSm']>[0]) => bind.client.submitSm(params),
        },
        windowSize,
        ...(throughput.perBind ? { ratePerSecond: throughput.perBind } : {}),
      }));
  }

  /**
   * The SMSC accounts as the carriers table has them now (the boot's read, then each poll
   * that saw a change), worked out once per change; an account newly shared is logged.
   */
  private learnAccounts(rows: readonly CarrierRow[]): void {
    const accounts = smscAccountsOf(rows);
    for (const carriers of newAccountGroups(this.accounts, accounts)) {
      this.logger.log(
        `carriers ${carriers.join(', ')} share one SMSC account: a receipt on any one's bind ` +
          'matches a message any of them sent',
      );
    }
    this.accounts = accounts;
  }

  /** Makes the link the carrier's, with its metrics and readiness. */
  private install(link: CarrierLink): void {
    this.links.set(link.carrier.id, link);
    this.instruments?.forget(link.carrier.id);
    if (!link.stopped) this.instrument(link);
  }

  /** What the pod holds, as CarrierWatcher compares it with the table. */
  private heldState(): Map<string, HeldCarrier<SmppSettings>> {
    return new Map(
      [...this.links].map(([id, link]) => [
        id,
        { running: !link.stopped, settings: link.carrier.settings },
      ]),
    );
  }

  private apply(change: AppliedCarrierChange<SmppSettings>): Promise<void> {
    return this.exclusive(async () => {
      if (this.closing) return;
      if (change.kind === 'changed') await this.replace(change.carrier);
      else if (change.kind === 'enabled') await this.enable(change.carrier);
      else if (change.kind === 'added') await this.add(change.carrier);
      else await this.disable(change.id, change.reason);
    });
  }

  /**
   * New settings for a running carrier. Its dispatcher holds every part (queued, and those that
   * come meanwhile) while the old binds finish their window (answers, or timeouts into the usual
   * reroute path) and unbind; then the new binds open and the parts go out on them. Nothing is
   * refused or sent twice for the change.
   */
  private async replace(carrier: SmppCarrier): Promise<void> {
    const old = this.links.get(carrier.id);
    if (!old) return;
    const binds = this.bindsFor(carrier);
    const keys = changedSettingKeys(old.carrier.settings, carrier.settings);
    this.logger.log(
      `carrier ${carrier.id}: settings changed (${keys.join(', ')}); replacing its binds`,
    );
    this.switching.add(carrier.id);
    try {
      await old.dispatcher.hold();
      // Receiver-only until now: its outbound topics were never consumed.
      if (canSubmit(carrier) && !canSubmit(old.carrier)) {
        await this.subscriptions.subscribe(carrier.id);
      }
      await this.closeBinds(old);
      if (old.carrier.settings.maxBinds !== undefined && carrier.settings.maxBinds === undefined) {
        await this.releaseSlots(old);
      }
      const link = this.linkFor(carrier, binds, old.dispatcher);
      this.install(link);
      await this.openBinds(link);
    } finally {
      this.switching.delete(carrier.id);
      old.dispatcher.resume();
    }
    this.logger.log(`carrier ${carrier.id}: running on its new settings`);
  }

  /** A running carrier disabled or removed: its parts fail over, its binds unbind. */
  private async disable(carrierId: string, reason: 'disabled' | 'removed'): Promise<void> {
    const link = this.links.get(carrierId);
    if (!link || link.stopped) return;
    this.logger.log(
      `carrier ${carrierId}: ${reason} in the carriers table; its messages fail over, unbinding`,
    );
    link.dispatcher.close(`carrier ${carrierId} ${reason}`);
    this.install({ ...link, stopped: true });
    await this.closeBinds(link);
    if (link.carrier.settings.maxBinds !== undefined) await this.releaseSlots(link);
    await this.health.changed(carrierId);
  }

  /** A carrier disabled while the pod ran is enabled again: it binds with its current settings. */
  private async enable(carrier: SmppCarrier): Promise<void> {
    const link = this.linkFor(carrier, this.bindsFor(carrier));
    this.logger.log(`carrier ${carrier.id}: enabled in the carriers table; binding`);
    this.install(link);
    await this.openBinds(link);
  }

  /**
   * A carrier the pod did not hold (added after it started, or disabled then): its outbound
   * topics are consumed from now on and it binds. The binds' clients are made first, so settings
   * a bind cannot use change nothing; a subscription that fails (Kafka out of reach) leaves the
   * carrier unheld, and the next poll tries again. Parts that come before the link is installed
   * are submitted later (SubmitLaterError), as any part for a carrier not held.
   */
  private async add(carrier: SmppCarrier): Promise<void> {
    const binds = this.bindsFor(carrier);
    this.logger.log(`carrier ${carrier.id}: added; consuming its messages and binding`);
    if (canSubmit(carrier)) await this.subscriptions.subscribe(carrier.id);
    this.health.register(carrier.id, () => this.healthOf(carrier.id));
    const link = this.linkFor(carrier, binds);
    this.install(link);
    await this.openBinds(link);
  }

  /** Unbinds every bind of the link (each waits for its outstanding responses first). */
  private async closeBinds(link: CarrierLink): Promise<void> {
    for (const bind of link.binds) bind.open = false;
    await Promise.all(link.binds.map((bind) => this.stopBind(bind)));
  }

  /**
   * Opens the link's binds (those it holds slots for, with a bind limit) and waits for their
   * first attempts, at most bootWaitMs. Slots not obtained now are taken by the lease upkeep.
   */
  private async openBinds(link: CarrierLink): Promise<void> {
    if (link.carrier.settings.maxBinds !== undefined) {
      this.keepSlots();
      await this.holdSlots(link).catch((error: unknown) => {
        this.logger.warn(`carrier ${link.carrier.id}: bind slots not claimed: ${String(error)}`);
      });
    }
    const attempts = link.binds
      .filter((bind) => bind.open)
      .map((bind) => this.startBind(link, bind));
    void this.health.changed(link.carrier.id);
    await withinMs(Promise.all(attempts), this.bootWaitMs());
  }

  /** Gives back every slot the pod holds of the carrier's bind limit. */
  private async releaseSlots(link: CarrierLink): Promise<void> {
    const { maxBinds } = link.carrier.settings;
    if (maxBinds === undefined) return;
    await this.leases.hold(link.carrier.id, 0, maxBinds).catch((error: unknown) => {
      this.logger.warn(
        `carrier ${link.carrier.id}: bind slots not released (they expire): ${String(error)}`,
      );
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private bootWaitMs(): number {
    return this.options.bootWaitMs ?? 5_000;
  }

  /** Starts the lease upkeep once some carrier has a bind limit. */
  private keepSlots(): void {
    if (this.leaseTimer || this.limited().length === 0) return;
    this.leaseTimer = setInterval(() => void this.maintainSlots(), this.renewMs());
    this.leaseTimer.unref();
  }

  /**
   * Metrics and readiness per bind (bind-instruments.ts). Parts waiting for a slot wait in the
   * carrier's dispatcher, not in a client: they are counted on the carrier's first bind.
   */
  private instrument(link: CarrierLink): void {
    link.binds.forEach((bind, index) => {
      const instrumented: InstrumentedBind = {
        get state() {
          return bind.client.state;
        },
        get outstanding() {
          return bind.client.outstanding;
        },
        get queued() {
          return index === 0 ? link.dispatcher.queued : 0;
        },
        on: (event, listener) => {
          bind.observers.push({ event, listener });
          observe(bind.client, event, listener);
          return instrumented;
        },
      };
      this.instruments?.watch(link.carrier.id, instrumented, link.carrier.settings.windowSize);
    });
  }

  private healthOf(carrierId: string): CarrierHealthState {
    const link = this.links.get(carrierId);
    if (!link) return { healthy: false, bindsUp: 0, bindsConfigured: 0 };
    const up = link.binds.filter((bind) => bind.client.state === 'bound');
    const serving = canSubmit(link.carrier)
      ? up.some((bind) => canSubmitOn(bind.mode))
      : up.length > 0;
    const queued = link.dispatcher.queued;
    const { maxBinds } = link.carrier.settings;
    const slots = link.binds.filter((bind) => bind.open).length;
    const switching = this.switching.has(carrierId);
    const rejected = this.watcher?.rejectedSettings(carrierId);
    return {
      healthy: (serving || switching) && !link.stopped && !this.closing,
      bindsUp: up.length,
      bindsConfigured: link.binds.length,
      detail:
        (link.stopped ? 'disabled, ' : '') +
        `${up.length}/${link.binds.length} binds up` +
        (maxBinds === undefined ? '' : `, ${slots} of the carrier's ${maxBinds} slots held`) +
        (queued > 0 ? `, ${queued} waiting for a slot` : '') +
        (switching ? ', replacing binds for new settings' : '') +
        (rejected ? `, new settings rejected: ${rejected}` : '') +
        (this.closing ? ', shutting down' : ''),
    };
  }

  private limited(): CarrierLink[] {
    return [...this.links.values()].filter(
      (link) => !link.stopped && link.carrier.settings.maxBinds !== undefined,
    );
  }

  private renewMs(): number {
    return this.options.leases?.renewMs ?? 10_000;
  }

  /** Waits until every carrier with a bind limit has at least one slot for this pod. */
  private async holdSlotsAtBoot(): Promise<void> {
    for (const link of this.limited()) {
      let announced = false;
      for (;;) {
        const held = await this.holdSlots(link);
        if (held > 0 || this.closing) break;
        if (!announced) {
          announced = true;
          this.logger.warn(
            `carrier ${link.carrier.id}: all ${link.carrier.settings.maxBinds} bind slots are held by other connector pods; waiting as a standby`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, this.renewMs()));
      }
    }
  }

  /** Renews and claims the carrier's slots; marks the first `held` binds open. */
  private async holdSlots(link: CarrierLink): Promise<number> {
    const { maxBinds } = link.carrier.settings;
    if (maxBinds === undefined) return link.binds.length;
    const held = await this.leases.hold(link.carrier.id, link.binds.length, maxBinds);
    link.binds.forEach((bind, index) => (bind.open = index < held));
    return held;
  }

  /** Keeps the slots held; opens binds for slots gained and closes those of slots lost. */
  private maintainSlots(): Promise<void> {
    this.maintaining ??= this.exclusive(async () => {
      try {
        for (const link of this.limited()) {
          if (this.closing) return;
          const wasOpen = link.binds.map((bind) => bind.open);
          try {
            await this.holdSlots(link);
          } catch (error) {
            this.logger.warn(
              `carrier ${link.carrier.id}: bind slots not renewed: ${String(error)}`,
            );
            continue;
          }
          for (const [index, bind] of link.binds.entries()) {
            if (bind.open && !wasOpen[index]) {
              this.logger.log(`${bind.label}: slot taken, binding`);
              void this.startBind(link, bind);
            } else if (!bind.open && wasOpen[index]) {
              this.logger.warn(`${bind.label}: slot lost, unbinding`);
              void this.stopBind(bind, link);
            }
          }
        }
      } finally {
        this.maintaining = undefined;
      }
    });
    return this.maintaining;
  }

  /** Closes a bind (waiting for its outstanding responses) and readies a fresh client for it. */
  private async stopBind(bind: BindSession, link?: CarrierLink): Promise<void> {
    bind.wake?.();
    await bind.client.close();
    await bind.loop;
    bind.notTaken.flush();
    if (link && !this.closing) {
      bind.client = createEsmeClient(link.carrier, bind.mode, this.options);
      for (const { event, listener } of bind.observers) observe(bind.client, event, listener);
      void this.health.changed(link.carrier.id);
    }
  }

  /** Wires one bind's client and starts its first-bind loop; resolves after the first attempt. */
  private startBind(link: CarrierLink, bind: BindSession): Promise<void> {
    const { carrier } = link;
    const { client, label } = bind;
    const where = `${carrier.settings.host}:${carrier.settings.port}${carrier.settings.tls ? ' (TLS)' : ''} as ${carrier.settings.systemId}`;
    // The handler's promise gates deliver_sm_resp (§4.6.2): the SMSC is answered only once the
    // receipt or MO is on the bus, and is asked to redeliver (ESME_RX_T_APPN) when it is not.
    client.on('deliver', (deliver) =>
      this.intake.onDeliver(carrier.id, deliver, this.accountCarriersOf(carrier.id)),
    );
    client.on('bound', (event) => {
      this.logger.log(
        `${label}: ${event.reconnected ? 're-bound' : 'bound'} to ${where} (SMSC ${event.smscSystemId})`,
      );
      link.dispatcher.wake();
      void this.health.changed(carrier.id);
    });
    client.on('unbound', (event) => {
      void this.health.changed(carrier.id);
      if (event.reason === 'client-close') return; // our own shutdown, logged below
      const error = event.error ? `: ${event.error.message}` : '';
      const next = event.willReconnect ? ', reconnecting' : '';
      this.logger.warn(`${label}: bind lost (${event.reason}${error})${next}`);
    });
    client.on('reconnecting', (event) => {
      const last = event.lastError ? ` after ${event.lastError.message}` : '';
      this.logger.warn(
        `${label}: reconnect attempt ${event.attempt} in ${event.delayMs} ms${last}`,
      );
    });
    client.on('deliverFailed', ({ error }) => {
      bind.notTaken.warn(
        `${label}: deliver_sm not taken (answered ESME_RX_T_APPN, the SMSC redelivers): ${String(error)}`,
      );
    });
    let firstAttemptDone!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));
    bind.loop = this.bindUntilUp(bind, client, where, firstAttemptDone).catch((error: unknown) => {
      this.logger.error(`${label}: bind loop failed: ${String(error)}`);
    });
    return firstAttempt;
  }

  /**
   * EsmeClient.connect() binds once; reconnecting is its job only after a first bind succeeded.
   * Until then this loop retries with the same back-off (exponential, jittered), so a carrier
   * that is down (or refuses the bind) at boot joins as soon as it can.
   */
  private async bindUntilUp(
    bind: BindSession,
    client: EsmeClient,
    where: string,
    firstAttemptDone: () => void,
  ): Promise<void> {
    const policy = { ...DEFAULT_BACKOFF, ...this.options.reconnect };
    for (let attempt = 0; !this.closing && bind.open && bind.client === client; attempt++) {
      try {
        await client.connect();
        return;
      } catch (error) {
        if (this.closing || !bind.open) return;
        const delayMs = backoffDelay(policy, attempt);
        this.logger.warn(
          `${bind.label}: cannot bind to ${where} (${error instanceof Error ? error.message : String(error)}); next attempt in ${delayMs} ms`,
        );
        await this.pause(bind, delayMs);
      } finally {
        firstAttemptDone();
      }
    }
  }

  private pause(bind: BindSession, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        bind.wake = undefined;
        resolve();
      }
      bind.wake = done;
    });
  }
}

/** Adds an instruments listener to a client (EsmeClient's `on` is typed per event). */
function observe(
  client: EsmeClient,
  event: InstrumentedEvent,
  listener: (event: object) => void,
): void {
  switch (event) {
    case 'bound':
      client.on('bound', () => listener({}));
      return;
    case 'unbound':
      client.on('unbound', listener);
      return;
    case 'reconnecting':
      client.on('reconnecting', () => listener({}));
      return;
  }
}

/** Waits for `work`, but no longer than `ms`; never rejects. */
async function withinMs(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([
      work.then(
        () => undefined,
        () => undefined,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
