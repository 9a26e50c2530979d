import {
  MESSAGE_STATUSES,
  WEBHOOK_URL_MAX_LENGTH,
  WEBHOOK_URL_RULE,
  isWebhookUrl,
  tenantId,
} from '@tuxhat/contracts';
import type { Prisma } from '@tuxhat/database';
import { z } from 'zod';

import { AdminProblem } from '../core/admin-problem';
import { pageQuery } from '../core/pagination';
import { slug } from '../core/slug';

// The dlr service's settings (libs/services/dlr/README.md): customized DLR paths, webhook
// signing secrets, DLR triggers and MO handlers. The dlr service reloads them within a second.

const nothingToUpdate = {
  message: 'give at least one field to change',
  params: { code: 'nothing_to_update' },
};
const hasAny = (value: object) => Object.values(value).some((field) => field !== undefined);

/** A webhook URL: the rule every callback URL follows (`isWebhookUrl` in @tuxhat/contracts). */
export const webhookUrl = z
  .string()
  .max(WEBHOOK_URL_MAX_LENGTH)
  .refine(isWebhookUrl, { message: WEBHOOK_URL_RULE, params: { code: 'field_invalid' } });

const statuses = z.array(z.enum(MESSAGE_STATUSES)).max(MESSAGE_STATUSES.length);
/** Receipt states a trigger can match: the final ones. */
export const TRIGGER_STATES = [
  'delivered',
  'undeliverable',
  'expired',
  'deleted',
  'rejected',
  'unknown',
] as const;

function requireWhen<T extends object>(
  rule: (value: T) => boolean,
  field: string,
  message: string,
): z.core.CheckFn<T> {
  return (ctx) => {
    if (!rule(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        message,
        input: ctx.value,
        path: [field],
        params: { code: 'field_invalid' },
      });
    }
  };
}

// ---- DLR paths ----

export const createDlrPathSchema = z
  .strictObject({
    id: slug('field_invalid'),
    tenantId,
    kind: z.enum(['webhook', 'kafka']),
    url: webhookUrl.optional(),
    /** Statuses sent on this path; empty or absent: every status. */
    statuses: statuses.default([]),
    enabled: z.boolean().default(true),
  })
  .check(
    requireWhen(
      (path) => (path.kind === 'webhook') === (path.url !== undefined),
      'url',
      'a webhook path needs a url; a kafka path has none',
    ),
  );
export const updateDlrPathSchema = z
  .strictObject({
    url: webhookUrl.optional(),
    statuses: statuses.optional(),
    enabled: z.boolean().optional(),
  })
  .refine(hasAny, nothingToUpdate);
export const listByTenantQuery = z.strictObject({ tenantId: tenantId.optional(), ...pageQuery });
export type CreateDlrPath = z.output<typeof createDlrPathSchema>;
export type UpdateDlrPath = z.output<typeof updateDlrPathSchema>;

export interface DlrPathView {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: 'webhook' | 'kafka';
  readonly url: string | null;
  /** For a kafka path: the tenant's topic. */
  readonly topic: string | null;
  readonly statuses: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function dlrPathView(
  row: Prisma.DlrPathGetPayload<object>,
  topicOf: (tenant: string) => string,
): DlrPathView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    url: row.url,
    topic: row.kind === 'kafka' ? topicOf(row.tenantId) : null,
    statuses: row.statuses,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- webhook signing secrets ----

export const rotateSecretSchema = z.strictObject({
  /** How long the previous secret keeps signing alongside the new one (default 24 h, 0: not at all). */
  overlapSeconds: z
    .int()
    .min(0)
    .max(7 * 24 * 3_600)
    .default(24 * 3_600),
});

/** A secret's state, never the secret itself (except once, when created: see `secret`). */
export interface WebhookSecretView {
  readonly tenantId: string;
  readonly rotatedAt: string;
  /** Until then the previous secret also signs (null: no previous secret). */
  readonly previousValidUntil: string | null;
  /** Only in the answer that created it. */
  readonly secret?: string;
}

export function webhookSecretView(
  row: Prisma.DlrWebhookSecretGetPayload<object>,
): WebhookSecretView {
  return {
    tenantId: row.tenantId,
    rotatedAt: row.rotatedAt.toISOString(),
    previousValidUntil: row.previousSecret ? (row.previousValidUntil?.toISOString() ?? null) : null,
  };
}

// ---- DLR triggers ----

const triggerFields = {
  tenantId: tenantId.nullable(),
  routeId: z.string().min(1).max(64).nullable(),
  carrierId: z.string().min(1).max(64).nullable(),
  states: z.array(z.enum(TRIGGER_STATES)).max(TRIGGER_STATES.length),
  errorCodes: z.array(z.string().trim().min(1).max(32)).max(50),
  action: z.enum(['webhook', 'ops_topic', 'reroute']),
  url: webhookUrl.nullable(),
  priority: z.int().min(0).max(1_000_000),
  enabled: z.boolean(),
  description: z.string().trim().max(500).nullable(),
};
const urlMatchesAction = requireWhen<{ action: string; url?: string | null }>(
  (trigger) =>
    (trigger.action === 'webhook') === (trigger.url !== undefined && trigger.url !== null),
  'url',
  'a webhook trigger needs a url; other actions have none',
);

export const createDlrTriggerSchema = z
  .strictObject({
    id: slug('field_invalid'),
    tenantId: triggerFields.tenantId.default(null),
    routeId: triggerFields.routeId.default(null),
    carrierId: triggerFields.carrierId.default(null),
    states: triggerFields.states.default([]),
    errorCodes: triggerFields.errorCodes.default([]),
    action: triggerFields.action,
    url: triggerFields.url.default(null),
    priority: triggerFields.priority.default(100),
    enabled: triggerFields.enabled.default(true),
    description: triggerFields.description.default(null),
  })
  .check(urlMatchesAction);
/** The action never changes (that is another trigger); the url follows it. */
export const updateDlrTriggerSchema = z
  .strictObject({
    tenantId: triggerFields.tenantId.optional(),
    routeId: triggerFields.routeId.optional(),
    carrierId: triggerFields.carrierId.optional(),
    states: triggerFields.states.optional(),
    errorCodes: triggerFields.errorCodes.optional(),
    url: triggerFields.url.optional(),
    priority: triggerFields.priority.optional(),
    enabled: triggerFields.enabled.optional(),
    description: triggerFields.description.optional(),
  })
  .refine(hasAny, nothingToUpdate);
export type CreateDlrTrigger = z.output<typeof createDlrTriggerSchema>;
export type UpdateDlrTrigger = z.output<typeof updateDlrTriggerSchema>;

export interface DlrTriggerView {
  readonly id: string;
  readonly tenantId: string | null;
  readonly routeId: string | null;
  readonly carrierId: string | null;
  readonly states: readonly string[];
  readonly errorCodes: readonly string[];
  readonly action: 'webhook' | 'ops_topic' | 'reroute';
  readonly url: string | null;
  readonly priority: number;
  readonly enabled: boolean;
  readonly description: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function dlrTriggerView(row: Prisma.DlrTriggerGetPayload<object>): DlrTriggerView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    routeId: row.routeId,
    carrierId: row.carrierId,
    states: row.states,
    errorCodes: row.errorCodes,
    action: row.action,
    url: row.url,
    priority: row.priority,
    enabled: row.enabled,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- MO handlers ----

/** A short code or number as carriers write it: digits, `+` for international numbers. */
const destination = z
  .string()
  .regex(/^\+?\d{3,15}$/, 'a short code or number: 3 to 15 digits, optionally after "+"');
/** The first word of the MO, any case (stored upper-case); "" is the catch-all. */
const keyword = z
  .string()
  .max(32)
  .regex(/^[\p{L}\p{N}]*$/u, 'one word of letters and digits, or "" for any')
  .transform((value) => value.toUpperCase());
const replyTemplate = z.string().trim().min(1).max(1_000);

const kindNeeds = requireWhen<{ kind: string; url?: string | null; replyTemplate?: string | null }>(
  (handler) =>
    (handler.kind === 'webhook') === Boolean(handler.url) &&
    (handler.kind === 'auto_reply') === Boolean(handler.replyTemplate),
  'kind',
  'a webhook handler needs a url, an auto_reply handler a replyTemplate, a kafka handler neither',
);

export const createMoHandlerSchema = z
  .strictObject({
    id: slug('field_invalid'),
    tenantId,
    destination,
    keyword: keyword.default(''),
    kind: z.enum(['webhook', 'kafka', 'auto_reply']),
    url: webhookUrl.nullable().default(null),
    replyTemplate: replyTemplate.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .check(kindNeeds);
export const updateMoHandlerSchema = z
  .strictObject({
    keyword: keyword.optional(),
    url: webhookUrl.nullable().optional(),
    replyTemplate: replyTemplate.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine(hasAny, nothingToUpdate);
export const listMoHandlersQuery = z.strictObject({
  tenantId: tenantId.optional(),
  destination: destination.optional(),
  ...pageQuery,
});
export type CreateMoHandler = z.output<typeof createMoHandlerSchema>;
export type UpdateMoHandler = z.output<typeof updateMoHandlerSchema>;

/** The kind never changes (that is another handler): what it needs is checked on update too. */
export function checkMoHandler(handler: {
  kind: string;
  url: string | null;
  replyTemplate: string | null;
}): void {
  const okUrl = (handler.kind === 'webhook') === (handler.url !== null);
  const okTemplate = (handler.kind === 'auto_reply') === (handler.replyTemplate !== null);
  if (!okUrl || !okTemplate) {
    throw AdminProblem.validation([
      {
        field: okUrl ? 'replyTemplate' : 'url',
        code: 'field_invalid',
        message:
          'a webhook handler needs a url, an auto_reply handler a replyTemplate, a kafka handler neither',
      },
    ]);
  }
}

export interface MoHandlerView {
  readonly id: string;
  readonly tenantId: string;
  readonly destination: string;
  readonly keyword: string;
  readonly kind: 'webhook' | 'kafka' | 'auto_reply';
  readonly url: string | null;
  readonly replyTemplate: string | null;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function moHandlerView(row: Prisma.MoHandlerGetPayload<object>): MoHandlerView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    destination: row.destination,
    keyword: row.keyword,
    kind: row.kind,
    url: row.url,
    replyTemplate: row.replyTemplate,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- webhook deliveries (the outbox, for inspection and replay) ----

export const listDeliveriesQuery = z.strictObject({
  tenantId: tenantId.optional(),
  state: z.enum(['pending', 'delivered', 'abandoned']).optional(),
  ...pageQuery,
});

export interface WebhookDeliveryView {
  readonly id: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly eventId: string;
  readonly url: string;
  readonly state: 'pending' | 'delivered' | 'abandoned';
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly giveUpAt: string;
  readonly lastError: string | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export function webhookDeliveryView(
  row: Prisma.WebhookDeliveryGetPayload<object>,
): WebhookDeliveryView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    kind: row.kind,
    eventId: row.eventId,
    url: row.url,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    giveUpAt: row.giveUpAt.toISOString(),
    lastError: row.lastError,
    lastStatusCode: row.lastStatusCode,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

export const retryDeliverySchema = z.strictObject({
  /** How much longer to keep trying (default 24 h). */
  retryForSeconds: z
    .int()
    .min(60)
    .max(7 * 24 * 3_600)
    .default(24 * 3_600),
});
