import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DEFAULT_BACKOFF, type EsmeClient, backoffDelay } from '@tuxhat/smpp';

import { createEsmeClient } from './esme-client.factory';
import { ReceiptIntake } from './receipt-intake';
import type { SmppCarrier } from './smpp-carrier.repository';
import {
  SMPP_CARRIERS,
  SMPP_CONNECTOR_OPTIONS,
  type SmppConnectorOptions,
} from './smpp-connector.options';

interface CarrierSession {
  readonly carrier: SmppCarrier;
  readonly client: EsmeClient;
  /** The first-bind loop; the ESME client reconnects by itself once it has bound. */
  loop?: Promise<void>;
  /** Cuts the loop's back-off wait short on shutdown. */
  wake?: () => void;
}

/**
 * One ESME bind per carrier this pod holds (SMPP 3.4 §2.2), opened at boot and kept up:
 * a carrier that is down at boot is retried with back-off, a lost bind is re-established by the
 * ESME client. Receipts and MOs go to ReceiptIntake.
 *
 * Shutdown order (Nest closes the transport before module hooks run): consumption has stopped
 * and in-hand events are done when onModuleDestroy runs; each client then waits for responses
 * still outstanding and deliver handlers still publishing, unbinds (§4.2), and closes.
 */
@Injectable()
export class CarrierSessions implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('smpp-connector');
  private readonly sessions = new Map<string, CarrierSession>();
  private closing = false;

  constructor(
    @Inject(SMPP_CARRIERS) private readonly carriers: readonly SmppCarrier[],
    @Inject(SMPP_CONNECTOR_OPTIONS) private readonly options: SmppConnectorOptions,
    private readonly intake: ReceiptIntake,
  ) {}

  /**
   * Creates every carrier's client first (a configuration error stops the boot before any
   * socket is opened), then starts the binds and waits (at most bootWaitMs) for the first
   * attempts, bound or not.
   */
  async onModuleInit(): Promise<void> {
    const clients = this.carriers.map((carrier) => ({
      carrier,
      client: createEsmeClient(carrier, this.options),
    }));
    const firstAttempts = clients.map(({ carrier, client }) => this.open(carrier, client));
    await withinMs(Promise.all(firstAttempts), this.options.bootWaitMs ?? 5_000);
  }

  /** The carrier's client, or undefined when this pod does not hold the carrier. */
  clientOf(carrierId: string): EsmeClient | undefined {
    return this.sessions.get(carrierId)?.client;
  }

  heldCarriers(): string[] {
    return [...this.sessions.keys()];
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    const sessions = [...this.sessions.values()];
    for (const session of sessions) session.wake?.();
    await Promise.all(
      sessions.map(async (session) => {
        await session.client.close();
        await session.loop;
        this.logger.log(`carrier ${session.carrier.id}: unbound and closed`);
      }),
    );
    await this.intake.flush();
  }

  /** Wires the carrier's client and starts its first-bind loop; resolves after the first attempt. */
  private open(carrier: SmppCarrier, client: EsmeClient): Promise<void> {
    const session: CarrierSession = { carrier, client };
    this.sessions.set(carrier.id, session);
    const where = `${carrier.settings.host}:${carrier.settings.port} as ${carrier.settings.systemId}`;

    // The handler's promise gates deliver_sm_resp (§4.6.2): the SMSC is answered only once the
    // receipt or MO is on the bus, and is asked to redeliver (ESME_RX_T_APPN) when it is not.
    client.on('deliver', (deliver) => this.intake.onDeliver(carrier.id, deliver));
    client.on('bound', (event) => {
      this.logger.log(
        `carrier ${carrier.id}: ${event.reconnected ? 're-bound' : 'bound'} ${event.bindType} to ${where} (SMSC ${event.smscSystemId})`,
      );
    });
    client.on('unbound', (event) => {
      if (event.reason === 'client-close') return; // our own shutdown, logged below
      const error = event.error ? `: ${event.error.message}` : '';
      const next = event.willReconnect ? ', reconnecting' : '';
      this.logger.warn(`carrier ${carrier.id}: bind lost (${event.reason}${error})${next}`);
    });
    client.on('reconnecting', (event) => {
      const last = event.lastError ? ` after ${event.lastError.message}` : '';
      this.logger.warn(
        `carrier ${carrier.id}: reconnect attempt ${event.attempt} in ${event.delayMs} ms${last}`,
      );
    });
    client.on('deliverFailed', ({ error }) => {
      this.logger.warn(
        `carrier ${carrier.id}: deliver_sm not taken (answered ESME_RX_T_APPN, the SMSC redelivers): ${String(error)}`,
      );
    });

    let firstAttemptDone!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (firstAttemptDone = resolve));
    session.loop = this.bindUntilUp(session, where, firstAttemptDone).catch((error: unknown) => {
      this.logger.error(`carrier ${carrier.id}: bind loop failed: ${String(error)}`);
    });
    return firstAttempt;
  }

  /**
   * EsmeClient.connect() binds once; reconnecting is its job only after a first bind succeeded.
   * Until then this loop retries with the same back-off, so a carrier that is down (or refuses
   * the bind) at boot joins as soon as it can, while the outbound events for it wait in the
   * retry topic.
   */
  private async bindUntilUp(
    session: CarrierSession,
    where: string,
    firstAttemptDone: () => void,
  ): Promise<void> {
    const policy = { ...DEFAULT_BACKOFF, ...this.options.reconnect };
    for (let attempt = 0; !this.closing; attempt++) {
      try {
        await session.client.connect();
        return;
      } catch (error) {
        if (this.closing) return;
        const delayMs = backoffDelay(policy, attempt);
        this.logger.warn(
          `carrier ${session.carrier.id}: cannot bind to ${where} (${error instanceof Error ? error.message : String(error)}); next attempt in ${delayMs} ms`,
        );
        await this.pause(session, delayMs);
      } finally {
        firstAttemptDone();
      }
    }
  }

  private pause(session: CarrierSession, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        session.wake = undefined;
        resolve();
      }
      session.wake = done;
    });
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
