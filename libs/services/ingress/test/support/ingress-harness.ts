import { type ServiceError, credentials, loadPackageDefinition, Metadata } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { LoggerService } from '@nestjs/common';
import { type GeneratedApiKey, generateApiKey } from '@tuxhat/config';
import {
  SMS_PROTO_PATH,
  SMS_STATUS,
  SMS_SUBMITTED,
  type SmsStatusEvent,
  newEnvelope,
} from '@tuxhat/contracts';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type ServiceRuntime, systemClock } from '@tuxhat/runtime';
import { TopicRecorder, createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { type RunningIngress, type StartIngressOptions, startIngress } from '../../src';

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
  submitted!: TopicRecorder<typeof SMS_SUBMITTED>;
  ingress!: RunningIngress;
  db!: TestDatabase;
  acme!: SeededTenant;
  other!: SeededTenant;
  revokedKey!: GeneratedApiKey;
  private grpcClients: GrpcMessagesClient[] = [];

  static async start(
    label: string,
    options: Partial<StartIngressOptions> = {},
    configureBus: (bus: Bus) => void = () => undefined,
  ): Promise<IngressHarness> {
    const harness = new IngressHarness();
    await harness.boot(label, options, configureBus);
    return harness;
  }

  private async boot(
    label: string,
    options: Partial<StartIngressOptions>,
    configureBus: (bus: Bus) => void,
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
    const bus = Bus.create({ kind: 'in-process', broker: this.broker }, this.logger);
    configureBus(bus);
    this.submitted = new TopicRecorder(SMS_SUBMITTED, this.broker);
    const runtime: ServiceRuntime = { bus, prisma, clock: systemClock };
    this.ingress = await startIngress(runtime, {
      httpHost: '127.0.0.1',
      httpPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      logger: this.logger,
      shutdownHooks: false,
      ...options,
    });
  }

  async close(): Promise<void> {
    for (const client of this.grpcClients) client.close();
    await this.ingress?.close();
    await this.db?.drop();
  }

  get prisma() {
    return this.db.database.prisma;
  }

  /** Every key the harness knows, to check that none of them was ever logged. */
  get allKeys(): string[] {
    return [this.acme.key.key, this.other.key.key, this.revokedKey.key];
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { key?: string | null; body?: string; contentType?: string | null } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? this.acme.key.key : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const contentType =
      options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null && options.body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.ingress.httpUrl}${path}`, {
      method,
      headers,
      body: options.body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }

  submit(body: unknown, key?: string | null): Promise<HttpAnswer> {
    return this.request('POST', '/v1/messages', { key, body: JSON.stringify(body) });
  }

  getMessage(id: string, key?: string | null): Promise<HttpAnswer> {
    return this.request('GET', `/v1/messages/${encodeURIComponent(id)}`, { key });
  }

  /** Publishes status events as the other services would. */
  publishStatus(events: readonly SmsStatusEvent[]): void {
    this.broker.publish(events.map((event) => encodeEvent(SMS_STATUS, event)));
  }

  grpc(key: string | null = this.acme.key.key): GrpcMessagesClient {
    const client = new GrpcMessagesClient(this.ingress.grpcUrl, key);
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

interface MessagesStub {
  Submit(request: object, metadata: Metadata, callback: Callback): void;
  Get(request: object, metadata: Metadata, callback: Callback): void;
  close(): void;
}

interface SmsPackage {
  sms: {
    v1: {
      Messages: new (
        address: string,
        channel: ReturnType<typeof credentials.createInsecure>,
      ) => MessagesStub;
    };
  };
}

/** A tenant's gRPC client, as a tenant would build it from sms.proto. */
export class GrpcMessagesClient {
  private readonly stub: MessagesStub;

  constructor(
    address: string,
    private readonly key: string | null,
  ) {
    const definition = loadPackageDefinition(
      loadSync(SMS_PROTO_PATH, { keepCase: false, defaults: true }),
    ) as unknown as SmsPackage;
    this.stub = new definition.sms.v1.Messages(address, credentials.createInsecure());
  }

  submit(request: object): Promise<Json> {
    return new Promise((resolve, reject) =>
      this.stub.Submit(request, this.metadata(), (error, reply) =>
        error ? reject(error) : resolve(reply),
      ),
    );
  }

  get(id: string): Promise<Json> {
    return new Promise((resolve, reject) =>
      this.stub.Get({ id }, this.metadata(), (error, reply) =>
        error ? reject(error) : resolve(reply),
      ),
    );
  }

  close(): void {
    this.stub.close();
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    if (this.key !== null) metadata.set('authorization', `Bearer ${this.key}`);
    return metadata;
  }
}
