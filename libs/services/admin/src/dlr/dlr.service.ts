import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { tenantTopicFor } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { CLOCK, type Clock, PRISMA } from '@tuxhat/runtime';

import type { AdminActor } from '../core/admin-key.authenticator';
import {
  AdminChanges,
  type AdminTransaction,
  auditEntry,
  createUniquely,
} from '../core/admin-changes';
import { AdminProblem } from '../core/admin-problem';
import { KAFKA_AVAILABLE } from '../core/kafka-available';
import { type Page, pageOf } from '../core/pagination';
import {
  type CreateDlrPath,
  type CreateDlrTrigger,
  type CreateMoHandler,
  type DlrPathView,
  type DlrTriggerView,
  type MoHandlerView,
  type UpdateDlrPath,
  type UpdateDlrTrigger,
  type UpdateMoHandler,
  type WebhookDeliveryView,
  type WebhookSecretView,
  checkMoHandler,
  dlrPathView,
  dlrTriggerView,
  moHandlerView,
  webhookDeliveryView,
  webhookSecretView,
} from './dlr.dto';

type Db = AdminTransaction | PrismaClient;

/** Operators' webhooks (global DLR triggers) are signed with the secret of this pseudo-tenant. */
export const OPERATOR_SECRET_TENANT = '*';

const pathView = (row: Parameters<typeof dlrPathView>[0]) =>
  dlrPathView(row, (tenant) => tenantTopicFor(tenant, 'status'));

/**
 * The dlr service's configuration: DLR paths, webhook signing secrets, DLR triggers, MO
 * handlers, and the webhook outbox for inspection and replay. Every change goes through
 * AdminChanges (audited, config revision bumped: the dlr service reloads within a second).
 * Secrets never reach a view, the audit log or a log line; a new secret is answered once.
 */
@Injectable()
export class DlrAdminService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KAFKA_AVAILABLE) private readonly kafkaAvailable: boolean,
    private readonly changes: AdminChanges,
  ) {}

  // ---- DLR paths ----

  async createPath(actor: AdminActor, input: CreateDlrPath): Promise<DlrPathView> {
    this.checkKafka('path', 'create', input);
    return createUniquely(
      'dlr_path_exists',
      `a DLR path with id "${input.id}" already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          await this.checkTenant(tx, input.tenantId);
          const after = pathView(
            await tx.dlrPath.create({ data: { ...input, url: input.url ?? null } }),
          );
          return { result: after, audit: audit('dlr_path', 'create', input.id, null, after) };
        }),
    );
  }

  async getPath(id: string): Promise<DlrPathView> {
    return pathView(await this.findPath(this.prisma, id));
  }

  async listPaths(query: {
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<DlrPathView>> {
    const rows = await this.prisma.dlrPath.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, pathView, (row) => row.id);
  }

  updatePath(actor: AdminActor, id: string, input: UpdateDlrPath): Promise<DlrPathView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findPath(tx, id);
      this.checkKafka('path', 'update', { ...current, enabled: input.enabled ?? current.enabled });
      if (input.url !== undefined && current.kind !== 'webhook') {
        throw AdminProblem.validation([
          { field: 'url', code: 'field_invalid', message: 'a kafka path has no url' },
        ]);
      }
      const before = pathView(current);
      const after = pathView(await tx.dlrPath.update({ where: { id }, data: input }));
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('dlr_path', 'update', id, before, after) };
    });
  }

  async deletePath(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = pathView(await this.findPath(tx, id));
      await tx.dlrPath.delete({ where: { id } });
      return { result: undefined, audit: audit('dlr_path', 'delete', id, before, null) };
    });
  }

  // ---- webhook signing secrets ----

  /**
   * A new signing secret for the tenant's webhooks (`*`: operators' trigger webhooks). The
   * previous one keeps signing for `overlapSeconds` (the header carries both signatures), so
   * the tenant can switch its receiver without losing a callback. Answered once, never again.
   */
  rotateSecret(
    actor: AdminActor,
    tenantId: string,
    overlapSeconds: number,
  ): Promise<WebhookSecretView> {
    return this.changes.apply(actor, async (tx) => {
      if (tenantId !== OPERATOR_SECRET_TENANT) await this.checkTenant(tx, tenantId, 'path');
      const now = this.clock.now();
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const current = await tx.dlrWebhookSecret.findUnique({ where: { tenantId } });
      const previous =
        current && overlapSeconds > 0
          ? {
              previousSecret: current.secret,
              previousValidUntil: new Date(now.getTime() + overlapSeconds * 1000),
            }
          : { previousSecret: null, previousValidUntil: null };
      const row = await tx.dlrWebhookSecret.upsert({
        where: { tenantId },
        create: { tenantId, secret, rotatedAt: now, ...previous },
        update: { secret, rotatedAt: now, ...previous },
      });
      const view = webhookSecretView(row);
      return {
        result: { ...view, secret },
        audit: audit(
          'webhook_secret',
          current ? 'rotate' : 'create',
          tenantId,
          current ? webhookSecretView(current) : null,
          view,
        ),
      };
    });
  }

  async getSecret(tenantId: string): Promise<WebhookSecretView> {
    return webhookSecretView(await this.findSecret(this.prisma, tenantId));
  }

  async deleteSecret(actor: AdminActor, tenantId: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = webhookSecretView(await this.findSecret(tx, tenantId));
      await tx.dlrWebhookSecret.delete({ where: { tenantId } });
      return {
        result: undefined,
        audit: audit('webhook_secret', 'delete', tenantId, before, null),
      };
    });
  }

  // ---- DLR triggers ----

  createTrigger(actor: AdminActor, input: CreateDlrTrigger): Promise<DlrTriggerView> {
    return createUniquely(
      'dlr_trigger_exists',
      `a DLR trigger with id "${input.id}" already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          if (input.tenantId !== null) await this.checkTenant(tx, input.tenantId);
          const after = dlrTriggerView(await tx.dlrTrigger.create({ data: input }));
          return { result: after, audit: audit('dlr_trigger', 'create', input.id, null, after) };
        }),
    );
  }

  async getTrigger(id: string): Promise<DlrTriggerView> {
    return dlrTriggerView(await this.findTrigger(this.prisma, id));
  }

  async listTriggers(query: {
    tenantId?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<DlrTriggerView>> {
    const rows = await this.prisma.dlrTrigger.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, dlrTriggerView, (row) => row.id);
  }

  updateTrigger(actor: AdminActor, id: string, input: UpdateDlrTrigger): Promise<DlrTriggerView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await this.findTrigger(tx, id);
      const url = input.url !== undefined ? input.url : current.url;
      if ((current.action === 'webhook') !== (url !== null)) {
        throw AdminProblem.validation([
          {
            field: 'url',
            code: 'field_invalid',
            message: 'a webhook trigger needs a url; other actions have none',
          },
        ]);
      }
      if (input.tenantId) await this.checkTenant(tx, input.tenantId);
      const before = dlrTriggerView(current);
      const after = dlrTriggerView(await tx.dlrTrigger.update({ where: { id }, data: input }));
      return unchanged(before, after)
        ? { result: before, audit: [] }
        : { result: after, audit: audit('dlr_trigger', 'update', id, before, after) };
    });
  }

  async deleteTrigger(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = dlrTriggerView(await this.findTrigger(tx, id));
      await tx.dlrTrigger.delete({ where: { id } });
      return { result: undefined, audit: audit('dlr_trigger', 'delete', id, before, null) };
    });
  }

  // ---- MO handlers ----

  async createMoHandler(actor: AdminActor, input: CreateMoHandler): Promise<MoHandlerView> {
    this.checkKafka('handler', 'create', input);
    return createUniquely(
      'mo_handler_exists',
      `an MO handler "${input.id}", or one for ${input.destination} keyword "${input.keyword}", already exists`,
      () =>
        this.changes.apply(actor, async (tx) => {
          await this.checkTenant(tx, input.tenantId);
          const after = moHandlerView(await tx.moHandler.create({ data: input }));
          return { result: after, audit: audit('mo_handler', 'create', input.id, null, after) };
        }),
    );
  }

  async getMoHandler(id: string): Promise<MoHandlerView> {
    return moHandlerView(await this.findMoHandler(this.prisma, id));
  }

  async listMoHandlers(query: {
    tenantId?: string;
    destination?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<MoHandlerView>> {
    const rows = await this.prisma.moHandler.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.destination ? { destination: query.destination } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, moHandlerView, (row) => row.id);
  }

  updateMoHandler(actor: AdminActor, id: string, input: UpdateMoHandler): Promise<MoHandlerView> {
    return createUniquely(
      'mo_handler_exists',
      `another MO handler already has keyword "${input.keyword ?? ''}" on that destination`,
      () =>
        this.changes.apply(actor, async (tx) => {
          const current = await this.findMoHandler(tx, id);
          this.checkKafka('handler', 'update', {
            ...current,
            enabled: input.enabled ?? current.enabled,
          });
          checkMoHandler({
            kind: current.kind,
            url: input.url !== undefined ? input.url : current.url,
            replyTemplate:
              input.replyTemplate !== undefined ? input.replyTemplate : current.replyTemplate,
          });
          const before = moHandlerView(current);
          const after = moHandlerView(await tx.moHandler.update({ where: { id }, data: input }));
          return unchanged(before, after)
            ? { result: before, audit: [] }
            : { result: after, audit: audit('mo_handler', 'update', id, before, after) };
        }),
    );
  }

  async deleteMoHandler(actor: AdminActor, id: string): Promise<void> {
    await this.changes.apply(actor, async (tx) => {
      const before = moHandlerView(await this.findMoHandler(tx, id));
      await tx.moHandler.delete({ where: { id } });
      return { result: undefined, audit: audit('mo_handler', 'delete', id, before, null) };
    });
  }

  // ---- webhook deliveries ----

  async listDeliveries(query: {
    tenantId?: string;
    state?: 'pending' | 'delivered' | 'abandoned';
    limit: number;
    cursor?: string;
  }): Promise<Page<WebhookDeliveryView>> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        ...(query.tenantId ? { tenantId: query.tenantId } : {}),
        ...(query.state ? { state: query.state } : {}),
        ...(query.cursor !== undefined ? { id: { gt: query.cursor } } : {}),
      },
      orderBy: { id: 'asc' },
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, webhookDeliveryView, (row) => row.id);
  }

  /** Puts an abandoned (or pending) delivery back on the schedule, due now. */
  retryDelivery(
    actor: AdminActor,
    id: string,
    retryForSeconds: number,
  ): Promise<WebhookDeliveryView> {
    return this.changes.apply(actor, async (tx) => {
      const current = await tx.webhookDelivery.findUnique({ where: { id } });
      if (!current)
        throw new AdminProblem('webhook_delivery_not_found', `no webhook delivery "${id}"`);
      if (current.state === 'delivered') {
        throw AdminProblem.validation([
          { field: 'id', code: 'field_invalid', message: 'the delivery was delivered already' },
        ]);
      }
      const now = this.clock.now();
      const before = webhookDeliveryView(current);
      const after = webhookDeliveryView(
        await tx.webhookDelivery.update({
          where: { id },
          data: {
            state: 'pending',
            nextAttemptAt: now,
            leaseUntil: null,
            giveUpAt: new Date(now.getTime() + retryForSeconds * 1000),
          },
        }),
      );
      // Not configuration: no reload needed, but the operator's action is audited all the same.
      return { result: after, audit: audit('webhook_delivery', 'retry', id, before, after) };
    });
  }

  // ---- checks ----

  /**
   * Without Kafka (all-in-one mode: the in-process bus) nothing reads a tenant's own topic, so
   * a kafka path or MO handler would lose everything given to it without a word. Creating one
   * is refused, and so is a change that leaves one enabled (one stored by a gateway with Kafka
   * can still be disabled or deleted).
   */
  private checkKafka(
    what: 'path' | 'handler',
    change: 'create' | 'update',
    after: { kind: string; tenantId: string; enabled: boolean },
  ): void {
    if (this.kafkaAvailable || after.kind !== 'kafka') return;
    if (change === 'update' && !after.enabled) return;
    const topic = tenantTopicFor(after.tenantId, what === 'path' ? 'status' : 'mo');
    const instead =
      change === 'create'
        ? `use a webhook ${what}, or run the gateway in cluster mode`
        : `disable or delete this ${what}, or run the gateway in cluster mode`;
    throw new AdminProblem(
      'kafka_unavailable',
      `this gateway runs without Kafka (all-in-one mode): nothing would read ${topic} and the tenant would get nothing; ${instead}`,
      [
        {
          field: 'kind',
          code: 'kafka_unavailable',
          message: `a kafka ${what} needs a gateway running on Kafka (cluster mode)`,
        },
      ],
    );
  }

  private async checkTenant(
    tx: Db,
    tenantId: string,
    field: 'tenantId' | 'path' = 'tenantId',
  ): Promise<void> {
    if (await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })) return;
    if (field === 'path') throw new AdminProblem('tenant_not_found', `no tenant "${tenantId}"`);
    throw AdminProblem.validation([
      { field: 'tenantId', code: 'reference_unknown', message: `no tenant "${tenantId}"` },
    ]);
  }

  private async findPath(db: Db, id: string) {
    const row = await db.dlrPath.findUnique({ where: { id } });
    if (!row) throw new AdminProblem('dlr_path_not_found', `no DLR path "${id}"`);
    return row;
  }

  private async findSecret(db: Db, tenantId: string) {
    const row = await db.dlrWebhookSecret.findUnique({ where: { tenantId } });
    if (!row)
      throw new AdminProblem('webhook_secret_not_found', `no webhook secret for "${tenantId}"`);
    return row;
  }

  private async findTrigger(db: Db, id: string) {
    const row = await db.dlrTrigger.findUnique({ where: { id } });
    if (!row) throw new AdminProblem('dlr_trigger_not_found', `no DLR trigger "${id}"`);
    return row;
  }

  private async findMoHandler(db: Db, id: string) {
    const row = await db.moHandler.findUnique({ where: { id } });
    if (!row) throw new AdminProblem('mo_handler_not_found', `no MO handler "${id}"`);
    return row;
  }
}

const audit = auditEntry;

/** Same content, updatedAt aside: a no-op change is neither audited nor a reload. */
function unchanged(before: { updatedAt: string }, after: { updatedAt: string }): boolean {
  const { updatedAt: _before, ...a } = before;
  const { updatedAt: _after, ...b } = after;
  return JSON.stringify(a) === JSON.stringify(b);
}
