import { envTypes, parseEnv } from '@tuxhat/config';
import { carrierHealthEnvSchema } from '@tuxhat/connector-kit';
import { ingressTlsEnvSchema } from '@tuxhat/ingress';
import { DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS } from '@tuxhat/messaging';
import { carrierWaitEnvSchema } from '@tuxhat/routing';
import { accountingRetentionEnvSchema, messageRetentionEnvSchema } from '@tuxhat/runtime';
import { z } from 'zod';

/** The all-in-one gateway's environment. Every variable is optional: the defaults run a demo. */
export const gatewayEnvSchema = z.object({
  /** Gateway config file (tenants, carriers, routes). Unset: a built-in demo config. */
  TUXHAT_CONFIG: z.string().min(1).optional(),
  /** PostgreSQL server; unset: embedded PGlite under TUXHAT_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgresql:// URL')
    .optional(),
  TUXHAT_DATA_DIR: z.string().min(1).default('.local/gateway'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: envTypes.port(8080),
  GRPC_HOST: z.string().min(1).default('127.0.0.1'),
  GRPC_PORT: envTypes.port(50051),
  /** Start the built-in SMSC simulator (the demo's carrier). Default: on when no config file is given. */
  SIMULATOR: envTypes.optionalBoolean(),
  SIMULATOR_PORT: envTypes.port(2775),
  SIMULATOR_DELIVERY_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(200),
  /** The operators' admin API (its own port, its own credential). */
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  ADMIN_PORT: envTypes.port(8081),
  /** Admin key file; default <TUXHAT_DATA_DIR>/admin-api-key, created (0600) when missing. */
  ADMIN_BOOTSTRAP_KEY_FILE: z.string().min(1).optional(),
  ADMIN_BOOTSTRAP_KEY_NAME: z.string().min(1).max(64).default('bootstrap'),
  /**
   * Where the tenant API (ingress) runs: `auto` on its own worker thread when it can (see
   * ingressPlacement), `main` on the main thread with every other service.
   */
  INGRESS_THREAD: z.enum(['auto', 'main']).default('auto'),
  /** TLS on the tenant API, and the CAs of tenants' client certificates (ingress listener-tls.ts). */
  ...ingressTlsEnvSchema.shape,
  /**
   * How long a receipt or MO may take to be stored (by the dlr and the consumers of what it
   * causes) before the carrier is answered ESME_RX_T_APPN and redelivers it. Keep it below the
   * time the carriers give an ESME to answer a deliver_sm.
   */
  BUS_ACKNOWLEDGEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(DEFAULT_ACKNOWLEDGEMENT_TIMEOUT_MS),
  /**
   * Records the in-memory bus may hold queued (about 3 KB of heap each) before ingress stores new
   * messages for later instead of publishing them (hard-storage queueing; OTP never waits).
   */
  BUS_BACKLOG_LIMIT: z.coerce.number().int().min(10).max(10_000_000).default(100_000),
  ACCOUNTING_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
  /** How long messages wait for a carrier during an outage (routing README). */
  ...carrierWaitEnvSchema.shape,
  /** When failing submits make a carrier unhealthy (libs/connector-kit, carrier health). */
  ...carrierHealthEnvSchema.shape,
  /** How long each service keeps what a message leaves in the database (libs/runtime retention). */
  ...messageRetentionEnvSchema.shape,
  ...accountingRetentionEnvSchema.shape,
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export function readGatewayEnv(env: NodeJS.ProcessEnv = process.env): GatewayEnv {
  return parseEnv(gatewayEnvSchema, env);
}
