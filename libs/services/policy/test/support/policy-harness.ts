import { randomUUID } from 'node:crypto';

import { ConsoleLogger, type INestMicroservice } from '@nestjs/common';
import {
  type EventOf,
  type MessageFields,
  SMS_ACCEPTED,
  SMS_STATUS,
  SMS_SUBMITTED,
  TENANT_USAGE_WARNING,
  type TenantPolicyInput,
  type TopicDefinition,
  newEnvelope,
  physicalTopicsOf,
  tenantPolicyDocument,
} from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { Bus, InProcessBroker, encodeEvent } from '@tuxhat/messaging';
import { type PolicyOptions, PolicyModule, TenantPolicies } from '../../src';
import {
  type Clock,
  type ServiceRuntime,
  bumpConfigRevision,
  startConsumerService,
} from '@tuxhat/runtime';
import { TopicRecorder, testMessage, waitFor } from '@tuxhat/testing';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/** Writes a tenant's next policy version and bumps the config revision, as the admin API does. */
export async function writePolicy(
  prisma: PrismaClient,
  tenantId: string,
  input: TenantPolicyInput,
): Promise<number> {
  const document = tenantPolicyDocument.parse(input);
  return prisma.$transaction(async (tx) => {
    const latest = await tx.tenantPolicy.findFirst({
      where: { tenantId },
      orderBy: { version: 'desc' },
      select: { version: true },
    });
    const version = (latest?.version ?? 0) + 1;
    await tx.tenantPolicy.create({ data: { tenantId, version, document, createdBy: 'test' } });
    await bumpConfigRevision(tx);
    return version;
  });
}

export async function createTenant(prisma: PrismaClient, prefix: string): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  await prisma.$transaction(async (tx) => {
    await tx.tenant.create({ data: { id, name: id } });
    await bumpConfigRevision(tx);
  });
  return id;
}

let sequence = 0;

export function message(tenantId: string, overrides: Partial<MessageFields> = {}): MessageFields {
  sequence++;
  return testMessage({
    tenantId,
    destination: `+382671${String(sequence % 100_000).padStart(5, '0')}`,
    ...overrides,
  });
}

/** Every lane of a laned topic, recorded as one stream. */
export class LanesRecorder<T extends TopicDefinition> {
  private readonly recorders: TopicRecorder<T>[];

  constructor(topic: T, broker: InProcessBroker) {
    this.recorders = physicalTopicsOf(topic).map(
      (physical) => new TopicRecorder(topic, broker, physical),
    );
  }

  get events(): EventOf<T>[] {
    return this.recorders.flatMap((recorder) => recorder.events);
  }

  waitFor(count: number, predicate: (event: EventOf<T>) => boolean, timeoutMs = 20_000) {
    return waitFor(
      `${count} matching event(s)`,
      () => {
        const matching = this.events.filter(predicate);
        return matching.length >= count ? matching : undefined;
      },
      { timeoutMs, intervalMs: 10 },
    );
  }
}

export interface RunningPolicy {
  readonly app: INestMicroservice;
  readonly broker: InProcessBroker;
  readonly accepted: LanesRecorder<typeof SMS_ACCEPTED>;
  readonly statuses: TopicRecorder<typeof SMS_STATUS>;
  readonly warnings: TopicRecorder<typeof TENANT_USAGE_WARNING>;
  submit(...messages: MessageFields[]): void;
  /** Publishes a status event as another service would (e.g. `sent` from dlr). */
  status(messageId: string, tenantId: string, status: 'sent' | 'delivered' | 'failed'): void;
  /** The status events of one message, in order. */
  statusesOf(messageId: string): EventOf<typeof SMS_STATUS>[];
  /** Resolves with the policy's final decision status (accepted by sms.accepted, or rejected). */
  outcomeOf(messageId: string): Promise<'accepted' | 'rejected'>;
  refreshPolicies(): Promise<void>;
  close(): Promise<void>;
}

/** The policy service on an in-process broker and the test's PostgreSQL schema. */
export async function startPolicy(
  prisma: PrismaClient,
  clock: Clock,
  options: PolicyOptions = {},
): Promise<RunningPolicy> {
  const broker = new InProcessBroker();
  const logger = new ConsoleLogger('policy-test', { logLevels: ['error', 'warn'] });
  const runtime: ServiceRuntime = {
    bus: Bus.create({ kind: 'in-process', broker }, logger),
    prisma,
    clock,
  };
  const accepted = new LanesRecorder(SMS_ACCEPTED, broker);
  const statuses = new TopicRecorder(SMS_STATUS, broker);
  const warnings = new TopicRecorder(TENANT_USAGE_WARNING, broker);
  const app = await startConsumerService({
    name: 'policy',
    module: PolicyModule.forRoot(runtime, {
      releasePollMs: 20,
      configPollMs: 50,
      inFlightRecheckMs: 50,
      ...options,
    }),
    runtime,
    logger,
    shutdownHooks: false,
    retryPolicy: { maxAttempts: 3, backoffMs: [50] },
  });
  const statusesOf = (messageId: string) =>
    statuses.events.filter((event) => event.messageId === messageId);
  return {
    app,
    broker,
    accepted,
    statuses,
    warnings,
    submit: (...messages) =>
      broker.publish(
        messages.map((fields) => encodeEvent(SMS_SUBMITTED, { ...newEnvelope(), message: fields })),
      ),
    status: (messageId, tenantId, status) =>
      broker.publish([
        encodeEvent(SMS_STATUS, { ...newEnvelope(), messageId, tenantId, status, source: 'test' }),
      ]),
    statusesOf,
    outcomeOf: (messageId) =>
      waitFor(
        `the policy's decision on ${messageId}`,
        () => {
          if (accepted.events.some((event) => event.message.messageId === messageId))
            return 'accepted';
          if (statusesOf(messageId).some((event) => event.status === 'rejected')) return 'rejected';
          return undefined;
        },
        { intervalMs: 10 },
      ),
    refreshPolicies: () => app.get(TenantPolicies, { strict: false }).refresh(),
    close: () => app.close(),
  };
}
