// Tracing, metrics and the ops endpoint first, before any other module loads.
import '@tuxhat/observability/register';
import 'reflect-metadata';

import { envTypes, parseEnv } from '@tuxhat/config';
import { ingressTlsEnvSchema, readListenerTls, startIngress } from '@tuxhat/ingress';
import {
  createClusterRuntime,
  createLogger,
  messageRetentionEnvSchema,
  runMain,
} from '@tuxhat/runtime';
import { z } from 'zod';

const ingressEnv = z.object({
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: envTypes.port(8080),
  GRPC_HOST: z.string().min(1).default('0.0.0.0'),
  GRPC_PORT: envTypes.port(50051),
  /** Ingress replicas sharing each tenant's reject-mode rate (each enforces rate / replicas). */
  INGRESS_REPLICAS: z.coerce.number().int().min(1).max(1_000).default(1),
  /** TLS on REST and gRPC, and the CAs of tenants' client certificates (see listener-tls.ts). */
  ...ingressTlsEnvSchema.shape,
  /** Days final messages are kept (libs/runtime retention); unset: for ever. */
  ...messageRetentionEnvSchema.shape,
});

runMain(async () => {
  const env = parseEnv(ingressEnv);
  const tls = readListenerTls(env);
  const runtime = await createClusterRuntime('ingress');
  const ingress = await startIngress(runtime, {
    httpHost: env.HTTP_HOST,
    httpPort: env.HTTP_PORT,
    grpcHost: env.GRPC_HOST,
    grpcPort: env.GRPC_PORT,
    replicas: env.INGRESS_REPLICAS,
    messageRetentionDays: env.MESSAGE_RETENTION_DAYS,
    tls,
    logger: createLogger('ingress'),
    onShutdown: runtime.close,
  });
  createLogger('ingress').log(`REST on ${ingress.httpUrl}, gRPC on ${ingress.grpcUrl}`);
});
