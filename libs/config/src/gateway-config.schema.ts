import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 of the key as 64 hex digits');

/** A secret given inline (development) or, better, by the name of an environment variable. */
const secret = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }),
  z.string().min(1),
]);

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

/** SMPP 3.4 §4.1.1: system_id at most 15 characters, password at most 8. */
const smppPassword = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }),
  z.string().min(1).max(8, 'SMPP passwords are at most 8 characters'),
]);

const smppSettings = z.strictObject({
  host: z.string().min(1),
  port: z.int().min(1).max(65_535),
  systemId: z.string().min(1).max(15),
  password: smppPassword,
  systemType: z.string().max(13).default(''),
  bindMode: z.enum(['transceiver', 'transmitter', 'receiver']).default('transceiver'),
  /** Outstanding submit_sm per bind before waiting for responses. */
  windowSize: z.int().min(1).max(1_000).default(10),
  enquireLinkSeconds: z.int().min(5).max(600).default(30),
  responseTimeoutMs: z.int().min(100).max(120_000).default(10_000),
});

const snsSettings = z.strictObject({
  region: z.string().min(1),
  /** Override for tests and private endpoints (e.g. an SNS emulator). */
  endpoint: z.url().optional(),
  accessKeyId: secret.optional(),
  secretAccessKey: secret.optional(),
  senderId: z.string().max(11).optional(),
  smsType: z.enum(['Transactional', 'Promotional']).default('Transactional'),
});

const carrier = z.discriminatedUnion('kind', [
  z.strictObject({
    id: slug,
    name: z.string().min(1).max(128),
    kind: z.literal('smpp'),
    enabled: z.boolean().default(true),
    smpp: smppSettings,
  }),
  z.strictObject({
    id: slug,
    name: z.string().min(1).max(128),
    kind: z.literal('sns'),
    enabled: z.boolean().default(true),
    sns: snsSettings,
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
export type SecretValue = z.infer<typeof secret>;
