import { randomBytes } from 'node:crypto';

import {
  type ChannelCredentials,
  type ClientReadableStream,
  type ClientUnaryCall,
  type ServiceError,
  credentials,
  loadPackageDefinition,
  Metadata,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { LoggerService } from '@nestjs/common';
import { type GeneratedApiKey, generateApiKey } from '@tuxhat/config';
import {
  LANES,
  SMS_PROTO_PATH,
  SMS_STATUS,
  SMS_SUBMITTED,
  type SmsStatusEvent,
  type TenantPolicyInput,
  laneTopicName,
  newEnvelope,
  physicalTopicsOf,
  retryTopicFor,
} from '@tuxhat/contracts';
import { ClientProxy, type ReadPacket } from '@nestjs/microservices';
import {
  Bus,
  EventPublisher,
  InProcessBroker,
  type OutgoingRecord,
  encodeEvent,
  planTopics,
} from '@tuxhat/messaging';
import {
  type Clock,
  type ServiceRuntime,
  bumpConfigRevision,
  consumerGroupOf,
  systemClock,
} from '@tuxhat/runtime';
import {
  TopicRecorder,
  createTestDatabase,
  requiredTestEnv,
  startGroupAtEnd,
  type TestDatabase,
} from '@tuxhat/testing';

import { type RunningIngress, type StartIngressOptions, startIngress } from '../../src';
import { IngressConfigSnapshot } from '../../src/ingress-config';

export type Json = Record<string, unknown>;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json;
}

/** Keeps what the service logged, so tests can check it and that no API key ever appears. */
export class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  private readonly echo = process.env.LOG_LEVEL === 'debug';

  log(message: unknown): void {
    this.add('log', message);
  }
  warn(message: unknown): void {
    this.add('warn', message);
  }
  error(message: unknown, stack?: unknown): void {
    this.add('error', typeof stack === 'string' ? `${String(message)} ${stack}` : message);
  }
  debug(): void {}
  verbose(): void {}

  text(): string {
    return this.lines.map((line) => line.message).join('\n');
  }

  private add(level: string, message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.lines.push({ level, message: text });
    if (this.echo) process.stderr.write(`[${level}] ${text}\n`);
  }
}

export interface SeededTenant {
  readonly id: string;
  readonly key: GeneratedApiKey;
}

/**
 * One ingress on a fresh, migrated PostgreSQL schema and an in-process bus, with two tenants
 * (`acme`, `other`) and a revoked key of acme's; tests talk to it over real HTTP and gRPC.
 */
export class IngressHarness {
  readonly logger = new RecordingLogger();
  broker!: InProcessBroker;
  /** sms.submitted of the default (transactional) lane. */
  submitted!: TopicRecorder<typeof SMS_SUBMITTED>;
  /** sms.submitted of every lane (otp, transactional, bulk). */
  submittedLanes!: TopicRecorder<typeof SMS_SUBMITTED>[];
  ingress!: RunningIngress;
  /** Further ingress instances on the same database and bus (startReplica). */
  readonly replicas: RunningIngress[] = [];
  runtime!: ServiceRuntime;
  /** onKafka(): publishes on the real broker what the other services would. */
  private kafka: { client: ClientProxy; publisher: EventPublisher; shard: string } | null = null;
  db!: TestDatabase;
  acme!: SeededTenant;
  other!: SeededTenant;
  revokedKey!: GeneratedApiKey;
  /** Made by withScopedKeys(): acme's read-only and send-only keys, and tenant `lister`'s key. */
  readOnlyKey!: GeneratedApiKey;
  sendOnlyKey!: GeneratedApiKey;
  listerKey!: GeneratedApiKey;
  private readonly madeKeys: GeneratedApiKey[] = [];
  private grpcClients: GrpcMessagesClient[] = [];

  static async start(
    label: string,
    options: Partial<StartIngressOptions> = {},
    configureBus: (bus: Bus, broker: InProcessBroker) => void = () => undefined,
    clock: Clock = systemClock,
  ): Promise<IngressHarness> {
    const harness = new IngressHarness();
    await harness.boot(label, options, configureBus, clock);
    return harness;
  }

  /**
   * Ingress on the real Kafka broker (cluster mode), its projector in a consumer group of this
   * run's own (`ingress.t<run>`) that starts at the end of the shared topics. No recorders of
   * sms.submitted: it goes to the broker.
   */
  static async onKafka(label: string): Promise<IngressHarness> {
    const harness = new IngressHarness();
    const run = randomBytes(4).toString('hex');
    const brokers = requiredTestEnv('KAFKA_BROKERS').split(',');
    const shard = `t${run}`;
    const connection = (name: string) => ({ brokers, clientId: `ingress-${name}-${run}` });
    const bus = Bus.create({ kind: 'kafka', kafka: connection('test') }, harness.logger);
    const group = consumerGroupOf('ingress', shard);
    const admin = bus.kafkaPort()!.createAdmin();
    await admin.connect();
    await admin.ensureTopics([
      ...planTopics({ carriers: [] }),
      { name: retryTopicFor(group), partitions: 2 },
    ]);
    await admin.disconnect();
    await startGroupAtEnd(brokers, group, physicalTopicsOf(SMS_STATUS));
    const client = Bus.create(
      { kind: 'kafka', kafka: connection('publisher') },
      harness.logger,
    ).createClient();
    harness.kafka = { client, publisher: new EventPublisher(client), shard };
    await harness.boot(label, { shard }, () => undefined, systemClock, bus);
    return harness;
  }

  private async boot(
    label: string,
    options: Partial<StartIngressOptions>,
    configureBus: (bus: Bus, broker: InProcessBroker) => void,
    clock: Clock,
    kafkaBus?: Bus,
  ): Promise<void> {
    this.db = await createTestDatabase(label);
    const prisma = this.db.database.prisma;
    this.acme = await this.seedTenant('acme');
    this.other = await this.seedTenant('other');
    this.revokedKey = generateApiKey();
    await prisma.apiKey.create({
      data: {
        id: 'acme-revoked',
        tenantId: 'acme',
        prefix: this.revokedKey.prefix,
        secretHash: this.revokedKey.sha256,
        name: 'revoked',
        revokedAt: new Date(Date.now() - 60_000),
      },
    });

    this.broker = new InProcessBroker();
    const bus = kafkaBus ?? Bus.create({ kind: 'in-process', broker: this.broker }, this.logger);
    configureBus(bus, this.broker);
    this.submittedLanes = kafkaBus
      ? []
      : LANES.map(
          (lane) =>
            new TopicRecorder(SMS_SUBMITTED, this.broker, laneTopicName(SMS_SUBMITTED.name, lane)),
        );
    this.submitted = this.submittedLanes[LANES.indexOf('transactional')];
    const runtime: ServiceRuntime = { bus, prisma, clock };
    this.runtime = runtime;
    this.ingress = await startIngress(runtime, {
      httpHost: '127.0.0.1',
      httpPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      logger: this.logger,
      shutdownHooks: false,
      // Tests change keys and policies and expect ingress to follow quickly.
      configPollMs: 100,
      ...options,
    });
  }

  /**
   * Another ingress on the same database and bus, as a second replica behind a load balancer
   * would be (its own memory: caches, in-flight maps, token buckets).
   */
  async startReplica(options: Partial<StartIngressOptions> = {}): Promise<RunningIngress> {
    const replica = await startIngress(this.runtime, {
      httpHost: '127.0.0.1',
      httpPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      logger: this.logger,
      shutdownHooks: false,
      configPollMs: 100,
      // On Kafka, a replica joins the first instance's consumer group.
      ...(this.kafka ? { shard: this.kafka.shard } : {}),
      ...options,
    });
    this.replicas.push(replica);
    return replica;
  }

  async close(): Promise<void> {
    for (const client of this.grpcClients) client.close();
    for (const replica of this.replicas) await replica.close();
    await this.ingress?.close();
    await this.kafka?.client.close();
    await this.db?.drop();
  }

  /** onKafka(): the status projectors' consumer group, which replicas join. */
  get projectorGroup(): string {
    if (!this.kafka) throw new Error('projectorGroup needs IngressHarness.onKafka()');
    return consumerGroupOf('ingress', this.kafka.shard);
  }

  get prisma() {
    return this.db.database.prisma;
  }

  /** Every key the harness knows, to check that none of them was ever logged. */
  get allKeys(): string[] {
    return [
      this.acme.key.key,
      this.other.key.key,
      this.revokedKey.key,
      ...this.madeKeys.map((key) => key.key),
    ];
  }

  async withScopedKeys(): Promise<void> {
    this.readOnlyKey = await this.addKey('acme', ['read']);
    this.sendOnlyKey = await this.addKey('acme', ['send']);
    this.listerKey = (await this.addTenant('lister')).key;
    await this.refreshConfig();
  }

  /** Makes ingress reload keys and policies now instead of at its next poll. */
  refreshConfig(): Promise<void> {
    return this.ingress.app.get(IngressConfigSnapshot).refresh();
  }

  /** A new tenant with one key of every scope. */
  async addTenant(id: string): Promise<SeededTenant> {
    const tenant = await this.seedTenant(id);
    this.madeKeys.push(tenant.key);
    await this.configure(async () => undefined);
    return tenant;
  }

  /** Message ids published on sms.submitted, on any lane. */
  submittedIds(): string[] {
    return this.submittedLanes.flatMap((recorder) =>
      recorder.events.map((event) => event.message.messageId),
    );
  }

  /** Changes configuration as the admin API does: in a transaction that bumps the revision. */
  async configure(change: (tx: Parameters<typeof bumpConfigRevision>[0]) => Promise<unknown>) {
    await this.prisma.$transaction(async (tx) => {
      await change(tx);
      await bumpConfigRevision(tx);
    });
  }

  /** Writes a new policy version for the tenant (as the admin API would). */
  async setPolicy(tenantId: string, document: TenantPolicyInput): Promise<void> {
    await this.configure(async (tx) => {
      const latest = await tx.tenantPolicy.findFirst({
        where: { tenantId },
        orderBy: { version: 'desc' },
      });
      await tx.tenantPolicy.create({
        data: {
          tenantId,
          version: (latest?.version ?? 0) + 1,
          document,
          createdBy: 'test',
        },
      });
    });
  }

  /** A new API key of the tenant with these scopes (empty: every scope). */
  async addKey(tenantId: string, scopes: string[]): Promise<GeneratedApiKey> {
    const key = generateApiKey();
    this.madeKeys.push(key);
    await this.configure((tx) =>
      tx.apiKey.create({
        data: {
          id: `${tenantId}-${key.prefix}`,
          tenantId,
          prefix: key.prefix,
          secretHash: key.sha256,
          name: 'test',
          scopes,
        },
      }),
    );
    return key;
  }

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: {
      key?: string | null;
      body?: string;
      contentType?: string | null;
      headers?: Record<string, string>;
      /** Another instance's URL (startReplica); default the first one. */
      baseUrl?: string;
    } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.acme.key.key : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const contentType =
      options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null && options.body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${options.baseUrl ?? this.ingress.httpUrl}${path}`, {
      method,
      headers,
      body: options.body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }

  submit(
    body: unknown,
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer> {
    return this.request('POST', '/v1/messages', { key, body: JSON.stringify(body), headers });
  }

  submitBatch(
    messages: unknown[],
    key?: string | null,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer> {
    return this.request('POST', '/v1/messages/batch', {
      key,
      body: JSON.stringify({ messages }),
      headers,
    });
  }

  list(query: string, key?: string | null): Promise<HttpAnswer> {
    return this.request('GET', `/v1/messages${query ? `?${query}` : ''}`, { key });
  }

  getMessage(id: string, key?: string | null): Promise<HttpAnswer> {
    return this.request('GET', `/v1/messages/${encodeURIComponent(id)}`, { key });
  }

  /** Publishes status events as the other services would. */
  publishStatus(events: readonly SmsStatusEvent[]): void {
    this.broker.publish(events.map((event) => encodeEvent(SMS_STATUS, event)));
  }

  /** onKafka(): publishes status events on the broker; resolves once it has them. */
  publishStatusOnKafka(events: readonly SmsStatusEvent[]): Promise<void> {
    if (!this.kafka) throw new Error('publishStatusOnKafka() needs IngressHarness.onKafka()');
    return this.kafka.publisher.publishAll(SMS_STATUS, events);
  }

  /** A gRPC client of the first instance; `channel`: TLS credentials (default plaintext). */
  grpc(
    key: string | null = this.acme.key.key,
    extra: Record<string, string> = {},
    channel?: ChannelCredentials,
  ): GrpcMessagesClient {
    const client = new GrpcMessagesClient(this.ingress.grpcUrl, key, extra, channel);
    this.grpcClients.push(client);
    return client;
  }

  private async seedTenant(id: string): Promise<SeededTenant> {
    const key = generateApiKey();
    await this.prisma.tenant.create({ data: { id, name: id } });
    await this.prisma.apiKey.create({
      data: {
        id: `${id}-key`,
        tenantId: id,
        prefix: key.prefix,
        secretHash: key.sha256,
        name: 'test',
      },
    });
    return { id, key };
  }
}

export function statusEvent(
  messageId: string,
  status: SmsStatusEvent['status'],
  extra: Partial<SmsStatusEvent> = {},
): SmsStatusEvent {
  return { ...newEnvelope(), messageId, tenantId: 'acme', status, source: 'test', ...extra };
}

function parseJson(text: string): Json {
  if (text === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : { value: parsed };
  } catch {
    return { text };
  }
}

type Callback = (error: ServiceError | null, reply: Json) => void;
type Unary = (request: object, metadata: Metadata, callback: Callback) => ClientUnaryCall;

interface MessagesStub {
  Submit: Unary;
  SubmitBatch: Unary;
  Get: Unary;
  List: Unary;
  GetUsage: Unary;
  StreamStatus(request: object, metadata: Metadata): ClientReadableStream<Json>;
  close(): void;
}

interface SmsPackage {
  sms: {
    v1: {
      Messages: new (address: string, channel: ChannelCredentials) => MessagesStub;
    };
  };
}

/** A unary reply with the response headers the server sent. */
export interface GrpcReply {
  readonly reply: Json;
  readonly headers: Metadata;
}

/** A tenant's gRPC client, as a tenant would build it from sms.proto. */
export class GrpcMessagesClient {
  private readonly stub: MessagesStub;

  constructor(
    address: string,
    private readonly key: string | null,
    private readonly extra: Record<string, string> = {},
    channel: ChannelCredentials = credentials.createInsecure(),
  ) {
    const definition = loadPackageDefinition(
      loadSync(SMS_PROTO_PATH, { keepCase: false, defaults: true }),
    ) as unknown as SmsPackage;
    this.stub = new definition.sms.v1.Messages(address, channel);
  }

  submit(request: object): Promise<Json> {
    return this.unary('Submit', request).then((answer) => answer.reply);
  }

  submitBatch(request: object): Promise<Json> {
    return this.unary('SubmitBatch', request).then((answer) => answer.reply);
  }

  get(id: string): Promise<Json> {
    return this.unary('Get', { id }).then((answer) => answer.reply);
  }

  list(request: object): Promise<Json> {
    return this.unary('List', request).then((answer) => answer.reply);
  }

  usage(request: object = {}): Promise<Json> {
    return this.unary('GetUsage', request).then((answer) => answer.reply);
  }

  /** Any unary method, with the response headers. */
  unary(
    method: 'Submit' | 'SubmitBatch' | 'Get' | 'List' | 'GetUsage',
    request: object,
  ): Promise<GrpcReply> {
    return new Promise((resolve, reject) => {
      let headers = new Metadata();
      const call = this.stub[method](request, this.metadata(), (error, reply) =>
        error ? reject(error) : resolve({ reply, headers }),
      );
      call.on('metadata', (metadata: Metadata) => (headers = metadata));
    });
  }

  /** Opens StreamStatus; resolves once the server has accepted the stream (its headers came). */
  async streamStatus(): Promise<StatusStream> {
    const call = this.stub.StreamStatus({}, this.metadata());
    const stream = new StatusStream(call);
    await stream.ready;
    return stream;
  }

  close(): void {
    this.stub.close();
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.key !== null) metadata.set('authorization', `Bearer ${this.key}`);
    for (const [name, value] of Object.entries(this.extra)) metadata.set(name, value);
    return metadata;
  }
}

/** A client's StreamStatus call: what arrived, and how it ended. */
export class StatusStream {
  readonly events: Json[] = [];
  /** Resolves when the server sent its headers; rejects if the call fails first. */
  readonly ready: Promise<void>;
  /** Resolves with null when the stream ended cleanly, or with the error it ended with. */
  readonly ended: Promise<ServiceError | null>;

  constructor(readonly call: ClientReadableStream<Json>) {
    call.on('data', (event: Json) => this.events.push(event));
    this.ended = new Promise((resolve) => {
      call.on('error', (error: ServiceError) => resolve(error));
      call.on('end', () => resolve(null));
    });
    this.ready = new Promise((resolve, reject) => {
      call.on('metadata', () => resolve());
      void this.ended.then((error) =>
        reject(error ?? new Error('the stream ended before its headers')),
      );
    });
    // Unhandled if the stream fails after it was ready: the test reads `ended` instead.
    this.ready.catch(() => undefined);
  }

  cancel(): void {
    this.call.cancel();
  }
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * The bus as the ingress sees it, failing every emit while `failing` is set (as a Kafka producer
 * does when the brokers are gone) and delivering to the in-process broker otherwise.
 */
export class FlakyBusClient extends ClientProxy {
  failing = false;

  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  protected async dispatchEvent<T>(packet: ReadPacket<OutgoingRecord>): Promise<T> {
    await Promise.resolve();
    if (this.failing) throw new Error('KafkaJSConnectionError: connection refused');
    this.broker.publish([packet.data]);
    return undefined as T;
  }

  protected publish(): () => void {
    throw new Error('events only');
  }

  unwrap<T>(): T {
    throw new Error('nothing to unwrap');
  }
}
