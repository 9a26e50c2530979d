import { z } from 'zod';

import { smppSettingsSchema, snsSettingsSchema } from './carrier-settings.schema';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 of the key as 64 hex digits');

const apiKey = z.strictObject({
  name: z.string().min(1).max(64),
  /** The key's public part, `thk_` and 8 characters (see `npm run api-key`). */
  prefix: z.string().regex(/^thk_[a-z0-9]{8}$/, 'thk_ followed by 8 lowercase letters or digits'),
  /** Keys are never stored or configured in clear: give the SHA-256 of the key. */
  sha256: sha256Hex,
  scopes: z.array(z.enum(['send', 'read'])).default(['send', 'read']),
});

const tenant = z.strictObject({
  id: slug,
  name: z.string().min(1).max(128),
  status: z.enum(['active', 'suspended']).default('active'),
  apiKeys: z.array(apiKey).default([]),
});

const carrier = z.discriminatedUnion('kind', [
  z.strictObject({
    id: slug,
    name: z.string().min(1).max(128),
    kind: z.literal('smpp'),
    enabled: z.boolean().default(true),
    smpp: smppSettingsSchema,
  }),
  z.strictObject({
    id: slug,
    name: z.string().min(1).max(128),
    kind: z.literal('sns'),
    enabled: z.boolean().default(true),
    sns: snsSettingsSchema,
  }),
]);

const route = z.strictObject({
  id: slug,
  /** Lower runs first. */
  priority: z.int().min(0),
  carrier: slug,
  /** Only this tenant's traffic; absent = every tenant. */
  tenant: slug.optional(),
  /** Only destinations starting with this E.164 prefix (e.g. "+382"); absent = any. */
  destinationPrefix: z
    .string()
    .regex(/^\+\d{1,15}$/, 'an E.164 prefix such as +382')
    .optional(),
});

export const gatewayConfigSchema = z
  .strictObject({
    tenants: z.array(tenant).default([]),
    carriers: z.array(carrier).min(1, 'at least one carrier is needed to send anything'),
    routes: z.array(route).min(1, 'at least one route is needed to send anything'),
  })
  .superRefine((config, context) => {
    const carrierIds = new Set(config.carriers.map((item) => item.id));
    const tenantIds = new Set(config.tenants.map((item) => item.id));
    config.routes.forEach((item, index) => {
      if (!carrierIds.has(item.carrier)) {
        context.addIssue({
          code: 'custom',
          path: ['routes', index, 'carrier'],
          message: `no carrier with id "${item.carrier}"`,
        });
      }
      if (item.tenant && !tenantIds.has(item.tenant)) {
        context.addIssue({
          code: 'custom',
          path: ['routes', index, 'tenant'],
          message: `no tenant with id "${item.tenant}"`,
        });
      }
    });
    for (const [field, items] of [
      ['tenants', config.tenants],
      ['carriers', config.carriers],
      ['routes', config.routes],
    ] as const) {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        if (seen.has(item.id)) {
          context.addIssue({
            code: 'custom',
            path: [field, index, 'id'],
            message: `duplicate id "${item.id}"`,
          });
        }
        seen.add(item.id);
      });
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type CarrierConfig = GatewayConfig['carriers'][number];
export type SmppCarrierConfig = Extract<CarrierConfig, { kind: 'smpp' }>;
export type SnsCarrierConfig = Extract<CarrierConfig, { kind: 'sns' }>;
export type { SecretValue } from './carrier-settings.schema';

/**
 * The settings of one carrier kind (`carriers[].smpp`, `carriers[].sns`), as stored in the
 * carriers table's `config` (`{ smpp: {...} }` / `{ sns: {...} }`): one definition for the
 * config file, the admin API and the connectors reading the rows (carrier-settings.schema.ts).
 */
export {
  SMPP_SETTING_DEFAULTS,
  resolveSmppSettings,
  smppSettingsSchema,
  snsSettingsSchema,
  type ResolvedSmppSettings,
  type SmppSettings,
  type SnsSettings,
} from './carrier-settings.schema';
