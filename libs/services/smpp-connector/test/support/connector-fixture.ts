import type { INestMicroservice } from '@nestjs/common';
import {
  CARRIER_HEALTH,
  SMS_DLR_RAW,
  SMS_MO_RAW,
  SMS_OUTBOUND,
  SMS_REROUTE,
  SMS_SENT,
  SMS_STATUS,
  type SmsOutboundEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import {
  Bus,
  InProcessBroker,
  type InProcessBrokerOptions,
  type InProcessTransport,
  encodeEvent,
} from '@tuxhat/messaging';
import { type ServiceRuntime, systemClock } from '@tuxhat/runtime';
import { detectEncoding, splitMessage } from '@tuxhat/smpp';
import { TopicRecorder, createTestDatabase, type TestDatabase, testMessage } from '@tuxhat/testing';

import { startSmppConnector } from '../../src/start-smpp-connector';
import type { StartSmppConnectorOptions } from '../../src/smpp-connector.options';
import { RecordingLogger } from './recording-logger';

export const ACCOUNT = { systemId: 'tuxhat', password: 'sim-pw' };
/** Carrier rows reference the password by variable name, as production config does. */
export const PASSWORD_ENV = 'SMPP_CONNECTOR_TEST_PASSWORD';

/** Changes to a test's outbound event: any envelope field, and any message field. */
export type OutboundOverrides = Omit<Partial<SmsOutboundEvent>, 'message'> & {
  message?: Partial<SmsOutboundEvent['message']>;
};

export type RunningConnector = Awaited<ReturnType<ConnectorFixture['start']>>;

/**
 * A test database with carriers, and connectors started on in-process brokers with a recorder
 * for every topic they publish to, so tests await events instead of sleeping.
 */
export class ConnectorFixture {
  private readonly running: INestMicroservice[] = [];
  private sequence = 0;

  private constructor(readonly db: TestDatabase) {}

  static async create(name: string): Promise<ConnectorFixture> {
    process.env[PASSWORD_ENV] = ACCOUNT.password;
    const db = await createTestDatabase(name);
    await db.database.prisma.tenant.create({ data: { id: 'acme', name: 'Acme' } });
    return new ConnectorFixture(db);
  }

  /** A carrier row: the simulator's account, quick timeouts, and whatever the test adds. */
  async seedCarrier(
    id: string,
    port: number,
    smpp: Record<string, unknown> = {},
    enabled = true,
  ): Promise<void> {
    await this.db.database.prisma.carrier.create({
      data: {
        id,
        name: id,
        kind: 'smpp',
        enabled,
        config: {
          smpp: {
            host: '127.0.0.1',
            port,
            systemId: ACCOUNT.systemId,
            password: { env: PASSWORD_ENV },
            windowSize: 10,
            responseTimeoutMs: 2_000,
            ...smpp,
          },
        },
      },
    });
  }

  /**
   * Boots a connector on a fresh in-process broker; recorders subscribe before anything flows.
   * `acknowledgementTimeoutMs`: how long a receipt's consumers may take before the answer is an
   * error (the bus's default otherwise); `keepUntilSubscribed`: as the all-in-one gateway's bus.
   */
  async start(
    options: Partial<StartSmppConnectorOptions> = {},
    {
      keepUntilSubscribed,
      ...bus
    }: { acknowledgementTimeoutMs?: number } & InProcessBrokerOptions = {},
  ) {
    const broker = new InProcessBroker({ ...(keepUntilSubscribed ? { keepUntilSubscribed } : {}) });
    const logger = new RecordingLogger();
    const runtime: ServiceRuntime = {
      bus: Bus.create({ kind: 'in-process', broker, ...bus }, logger),
      prisma: this.db.database.prisma,
      clock: systemClock,
    };
    const recorders = {
      sent: new TopicRecorder(SMS_SENT, broker),
      statuses: new TopicRecorder(SMS_STATUS, broker),
      receipts: new TopicRecorder(SMS_DLR_RAW, broker),
      mos: new TopicRecorder(SMS_MO_RAW, broker),
      reroutes: new TopicRecorder(SMS_REROUTE, broker),
      health: new TopicRecorder(CARRIER_HEALTH, broker),
    };
    const app = await startSmppConnector(runtime, {
      carriers: 'all',
      logger,
      shutdownHooks: false,
      retryPolicy: { maxAttempts: 40, backoffMs: [50, 100, 200] },
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      throttleBackoff: { initialDelayMs: 20, maxDelayMs: 100 },
      bootWaitMs: 2_000,
      closeTimeoutMs: 2_000,
      notBoundWaitMs: 300,
      health: { intervalMs: 1_000, instanceId: 'test-pod' },
      ...options,
    });
    this.running.push(app);
    const transport = app.getTransportServer() as unknown as InProcessTransport;
    const publish = (...events: SmsOutboundEvent[]) =>
      broker.publish(events.map((event) => encodeEvent(SMS_OUTBOUND, event)));
    const close = async () => {
      this.running.splice(this.running.indexOf(app), 1);
      await app.close();
    };
    return { app, broker, logger, transport, publish, close, ...recorders };
  }

  /** An outbound event to a destination no other test uses, so simulator records are told apart. */
  outbound(carrierId: string, text: string, overrides: OutboundOverrides = {}): SmsOutboundEvent {
    this.sequence++;
    const { message, ...rest } = overrides;
    return {
      ...newEnvelope(),
      message: testMessage({
        messageId: `msg-${this.sequence}-${Math.random().toString(36).slice(2, 8)}`,
        destination: `+3826${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(this.sequence).padStart(4, '0')}`,
        source: 'TuxHat',
        text,
        encoding: detectEncoding(text),
        parts: splitMessage(text).parts.length,
        ...message,
      }),
      carrierId,
      routeId: 'default',
      attempt: 1,
      ...rest,
    };
  }

  async stopConnectors(): Promise<void> {
    await Promise.all(this.running.splice(0).map((app) => app.close()));
  }

  async cleanup(): Promise<void> {
    await this.stopConnectors();
    await this.db.drop();
    delete process.env[PASSWORD_ENV];
  }
}
