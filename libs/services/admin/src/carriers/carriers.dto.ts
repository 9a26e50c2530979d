import { smppSettingsSchema, snsSettingsSchema } from '@tuxhat/config';
import type { Carrier, Prisma } from '@tuxhat/database';
import type { FieldError } from '@tuxhat/http-problem';
import { fieldErrorsFromZod } from '@tuxhat/http-problem';
import { z } from 'zod';

import { AdminProblem } from '../core/admin-problem';
import { pageQuery } from '../core/pagination';
import { redactSecrets } from '../core/redact';
import { displayName, slug } from '../core/slug';

export const CARRIER_KINDS = ['smpp', 'sns'] as const;
export type CarrierKind = (typeof CARRIER_KINDS)[number];

/**
 * Per kind: the settings schema the connectors read (one definition with the config file),
 * and the settings that hold secrets. Through the admin API secrets are references to an
 * environment variable of the connector (`{ "env": "TELCO_A_PASSWORD" }`) only: a password
 * sent inline would sit in the database, its backups and every audit row.
 */
const KINDS = {
  smpp: { schema: smppSettingsSchema, secrets: ['password'] },
  sns: { schema: snsSettingsSchema, secrets: ['accessKeyId', 'secretAccessKey'] },
} as const satisfies Record<CarrierKind, { schema: z.ZodType; secrets: readonly string[] }>;

const settingsObject = z.record(z.string(), z.unknown());

export const createCarrierSchema = z.strictObject({
  id: slug('carrier_id_invalid'),
  name: displayName(128),
  kind: z.enum(CARRIER_KINDS),
  enabled: z.boolean().default(true),
  config: settingsObject,
});

export const updateCarrierSchema = z
  .strictObject({
    name: displayName(128).optional(),
    enabled: z.boolean().optional(),
    /** Replaces the whole configuration (validated for the carrier's kind). */
    config: settingsObject.optional(),
  })
  .refine(
    (value) =>
      value.name !== undefined || value.enabled !== undefined || value.config !== undefined,
    {
      message: 'give at least one of name, enabled, config',
      params: { code: 'nothing_to_update' },
    },
  );

export const listCarriersQuery = z.strictObject({
  kind: z.enum(CARRIER_KINDS).optional(),
  enabled: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  ...pageQuery,
});

export type CreateCarrier = z.output<typeof createCarrierSchema>;
export type UpdateCarrier = z.output<typeof updateCarrierSchema>;

/**
 * Validates a carrier's settings for its kind and returns them as stored in the carriers
 * table (`{ smpp: {...} }`, defaults filled in). An inline secret answers `inline_secret`
 * naming the fields; other mistakes `validation_failed` with paths under `config.`.
 */
export function carrierSettings(
  kind: CarrierKind,
  config: Record<string, unknown>,
): Prisma.InputJsonObject {
  const { secrets } = KINDS[kind];
  const schema: z.ZodType<Prisma.InputJsonObject> = KINDS[kind].schema;
  const inline: FieldError[] = secrets
    .filter((field) => typeof config[field] === 'string')
    .map((field) => ({
      field: `config.${field}`,
      code: 'inline_secret',
      message: `reference an environment variable of the connector instead: { "env": "NAME" }`,
    }));
  if (inline.length > 0) {
    throw new AdminProblem(
      'inline_secret',
      `secrets are not accepted inline (${inline.map((error) => error.field).join(', ')}); give { "env": "NAME" }`,
      inline,
    );
  }
  const parsed = schema.safeParse(config, { reportInput: true });
  if (!parsed.success) {
    throw AdminProblem.validation(
      fieldErrorsFromZod(
        parsed.error.issues.map((issue) => ({ ...issue, path: ['config', ...issue.path] })),
      ),
    );
  }
  return { [kind]: parsed.data };
}

export interface CarrierView {
  readonly id: string;
  readonly name: string;
  readonly kind: CarrierKind;
  readonly enabled: boolean;
  /** The settings of its kind; secrets appear as references (`{ env }`), never as values. */
  readonly config: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function carrierView(row: Carrier): CarrierView {
  const stored = row.config as Record<string, unknown> | null;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    // A carrier from a development config file may hold an inline password: never shown.
    config: redactSecrets(stored?.[row.kind] ?? {}),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
