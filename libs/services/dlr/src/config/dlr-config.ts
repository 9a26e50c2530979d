import { Inject, Injectable } from '@nestjs/common';
import type { MessageStatus } from '@tuxhat/contracts';
import type { PrismaClient } from '@tuxhat/database';
import { ConfigSnapshotProvider, PRISMA } from '@tuxhat/runtime';

import { DLR_OPTIONS, type ResolvedDlrOptions } from '../dlr.options';
import { type MoHandlerRule, addressKey } from '../mo/mo-routing';
import type { TriggerRule } from '../triggers/trigger-rules';

export interface DlrPathConfig {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: 'webhook' | 'kafka';
  readonly url: string | null;
  /** Empty: every status. */
  readonly statuses: readonly string[];
}

/** A tenant's signing secrets: the current one, and the previous one during a rotation. */
export interface WebhookSecrets {
  readonly current: string;
  readonly previous: string | null;
  readonly previousValidUntil: Date | null;
}

export interface DlrConfigData {
  readonly pathsByTenant: ReadonlyMap<string, readonly DlrPathConfig[]>;
  readonly secretsByTenant: ReadonlyMap<string, WebhookSecrets>;
  /** Enabled triggers. */
  readonly triggers: readonly TriggerRule[];
  /** Enabled MO handlers by addressKey(destination). */
  readonly moHandlersByDestination: ReadonlyMap<string, readonly MoHandlerRule[]>;
}

/**
 * The dlr service's configuration in memory (DLR paths, signing secrets, triggers, MO
 * handlers), reloaded when the config revision moves: the hot path never reads these tables.
 */
@Injectable()
export class DlrConfig extends ConfigSnapshotProvider<DlrConfigData> {
  constructor(
    @Inject(PRISMA) prisma: PrismaClient,
    @Inject(DLR_OPTIONS) options: ResolvedDlrOptions,
  ) {
    super(prisma, {
      name: 'dlr paths, triggers and MO handlers',
      load: loadDlrConfig,
      pollMs: options.configPollMs,
    });
  }

  /**
   * Reload now (tests, read-your-writes). A reload already running may have read the tables
   * before the caller's change: it is awaited first, then a new one is forced.
   */
  async refresh(): Promise<void> {
    await this.snapshot.refresh(false).catch(() => undefined);
    await this.snapshot.refresh(true);
  }

  pathsFor(tenantId: string, status: MessageStatus): DlrPathConfig[] {
    return (this.current.pathsByTenant.get(tenantId) ?? []).filter(
      (path) => path.statuses.length === 0 || path.statuses.includes(status),
    );
  }

  /** The secrets that sign a tenant's webhooks now (the previous one only while it overlaps). */
  signingSecrets(tenantId: string, now: Date): string[] {
    const secrets = this.current.secretsByTenant.get(tenantId);
    if (!secrets) return [];
    const previousValid =
      secrets.previous !== null &&
      secrets.previousValidUntil !== null &&
      secrets.previousValidUntil.getTime() > now.getTime();
    return previousValid && secrets.previous
      ? [secrets.current, secrets.previous]
      : [secrets.current];
  }
}

export async function loadDlrConfig(prisma: PrismaClient): Promise<DlrConfigData> {
  const [paths, secrets, triggers, handlers] = await Promise.all([
    prisma.dlrPath.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
    prisma.dlrWebhookSecret.findMany(),
    prisma.dlrTrigger.findMany({
      where: { enabled: true },
      orderBy: [{ priority: 'asc' }, { id: 'asc' }],
    }),
    prisma.moHandler.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } }),
  ]);
  const pathsByTenant = new Map<string, DlrPathConfig[]>();
  for (const path of paths) {
    const list = pathsByTenant.get(path.tenantId) ?? [];
    list.push({
      id: path.id,
      tenantId: path.tenantId,
      kind: path.kind,
      url: path.url,
      statuses: path.statuses,
    });
    pathsByTenant.set(path.tenantId, list);
  }
  const moHandlersByDestination = new Map<string, MoHandlerRule[]>();
  for (const handler of handlers) {
    const key = addressKey(handler.destination);
    const list = moHandlersByDestination.get(key) ?? [];
    list.push({
      id: handler.id,
      tenantId: handler.tenantId,
      destination: handler.destination,
      keyword: handler.keyword.toUpperCase(),
      kind: handler.kind,
      url: handler.url,
      replyTemplate: handler.replyTemplate,
    });
    moHandlersByDestination.set(key, list);
  }
  return {
    pathsByTenant,
    secretsByTenant: new Map(
      secrets.map((row) => [
        row.tenantId,
        {
          current: row.secret,
          previous: row.previousSecret,
          previousValidUntil: row.previousValidUntil,
        },
      ]),
    ),
    triggers: triggers.map((row) => ({
      id: row.id,
      tenantId: row.tenantId,
      routeId: row.routeId,
      carrierId: row.carrierId,
      states: row.states,
      errorCodes: row.errorCodes,
      action: row.action,
      url: row.url,
      priority: row.priority,
    })),
    moHandlersByDestination,
  };
}
