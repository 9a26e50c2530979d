import type { LoggerService } from '@nestjs/common';
import { Bus, InProcessBroker, type TopicSettings } from '@tuxhat/messaging';
import { type ServiceRuntime, readConfigRevision, systemClock } from '@tuxhat/runtime';
import { createTestDatabase, requiredTestEnv, type TestDatabase } from '@tuxhat/testing';

import { AdminKeyStore, type RunningAdmin, startAdmin } from '../../src';

export type Json = Record<string, unknown>;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json;
}

/** Keeps what the service logged, so tests can check that no secret ever appears. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  private readonly echo = process.env.LOG_LEVEL === 'debug';

  log(message: unknown): void {
    this.add(message);
  }
  warn(message: unknown): void {
    this.add(message);
  }
  error(message: unknown, stack?: unknown): void {
    this.add(typeof stack === 'string' ? `${String(message)} ${stack}` : message);
  }
  debug(): void {}
  verbose(): void {}

  text(): string {
    return this.lines.join('\n');
  }

  private add(message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.lines.push(text);
    if (this.echo) process.stderr.write(`${text}\n`);
  }
}

export interface RequestOptions {
  /** The admin key to send; null: no Authorization header. Default: the harness's key. */
  readonly key?: string | null;
  readonly body?: unknown;
  /** A raw body, sent as is (malformed JSON, other content types). */
  readonly rawBody?: string;
  readonly contentType?: string | null;
}

export interface HarnessOptions {
  /**
   * The bus of the gateway the API configures: `in-process` (default) as in all-in-one mode,
   * `kafka` (KAFKA_BROKERS) as in cluster mode.
   */
  readonly bus?: 'in-process' | 'kafka';
  /** On Kafka: how the topics the API creates are made (KAFKA_TOPIC_* in a real process). */
  readonly topics?: TopicSettings;
}

/**
 * One admin API on a fresh, migrated PostgreSQL schema, with an admin key named `ops-alice`;
 * tests talk to it over real HTTP.
 */
export class AdminHarness {
  readonly logger = new RecordingLogger();
  db!: TestDatabase;
  admin!: RunningAdmin;
  runtime!: ServiceRuntime;
  key!: string;
  /** Every secret the tests created, to check none reached the logs or the audit log. */
  readonly secrets: string[] = [];
  /** Set to pin the service's clock (audit times, revocations); null: the real time. */
  pinnedTime: Date | null = null;

  static async start(label: string, options: HarnessOptions = {}): Promise<AdminHarness> {
    const harness = new AdminHarness();
    harness.db = await createTestDatabase(label);
    harness.runtime = {
      bus: Bus.create(
        options.bus === 'kafka'
          ? {
              kind: 'kafka',
              kafka: {
                brokers: requiredTestEnv('KAFKA_BROKERS').split(','),
                clientId: `admin-test-${label}`,
              },
              ...(options.topics ? { topics: options.topics } : {}),
            }
          : { kind: 'in-process', broker: new InProcessBroker() },
        harness.logger,
      ),
      prisma: harness.db.database.prisma,
      clock: { now: () => harness.pinnedTime ?? systemClock.now() },
    };
    harness.key = await harness.createAdminKey('ops-alice');
    harness.admin = await startAdmin(harness.runtime, {
      host: '127.0.0.1',
      port: 0,
      logger: harness.logger,
      shutdownHooks: false,
    });
    return harness;
  }

  get prisma() {
    return this.db.database.prisma;
  }

  async createAdminKey(name: string): Promise<string> {
    const { key } = await new AdminKeyStore(this.prisma).create(name);
    this.secrets.push(key);
    return key;
  }

  revision(): Promise<bigint> {
    return readConfigRevision(this.prisma);
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    const key = options.key === undefined ? this.key : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const body =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const contentType =
      options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null && body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.admin.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text) };
  }

  get(path: string, options?: RequestOptions) {
    return this.request('GET', path, options);
  }
  post(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('POST', path, { ...options, body });
  }
  patch(path: string, body?: unknown, options?: RequestOptions) {
    return this.request('PATCH', path, { ...options, body });
  }
  delete(path: string, options?: RequestOptions) {
    return this.request('DELETE', path, options);
  }

  /** Audit rows of one entity, oldest first, straight from the table. */
  auditOf(entity: string, entityId: string) {
    return this.prisma.auditLog.findMany({ where: { entity, entityId }, orderBy: { id: 'asc' } });
  }

  async close(): Promise<void> {
    await this.admin?.close();
    await this.db?.drop();
  }
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

/** JSON of rows that hold bigints (audit ids), for "this text appears nowhere" checks. */
export function jsonOf(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : item,
  );
}
