import { type SNSClientConfig } from '@aws-sdk/client-sns';
import { resolveSecret } from '@tuxhat/config';

import type { SnsCarrier } from './sns-carrier.repository';

/**
 * The SNS client configuration of a carrier: its region, its endpoint when it has one (an SNS
 * emulator, a VPC endpoint), and static credentials when the carrier names them (resolved from
 * the environment, never logged); without them the AWS default chain applies (IAM role,
 * AWS_* variables). The SDK does not retry on its own: a failed Publish goes back to the bus,
 * whose retry topic keeps the event (and its back-off) across restarts.
 */
export function snsClientConfigFor(
  carrier: SnsCarrier,
  requestTimeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): SNSClientConfig {
  const { region, endpoint } = carrier.settings;
  const credentials = snsCredentialsFor(carrier, env);
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: Math.min(requestTimeoutMs, 5_000),
    },
  };
}

/**
 * The carrier's static credentials resolved from the environment (a ConfigError naming the key
 * when a variable is not set), or undefined when it names none (the AWS default chain).
 */
export function snsCredentialsFor(
  carrier: SnsCarrier,
  env: NodeJS.ProcessEnv = process.env,
): { accessKeyId: string; secretAccessKey: string } | undefined {
  const { accessKeyId, secretAccessKey } = carrier.settings;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const key = `carriers[${carrier.id}].sns`;
  return {
    accessKeyId: resolveSecret(accessKeyId, `${key}.accessKeyId`, env),
    secretAccessKey: resolveSecret(secretAccessKey, `${key}.secretAccessKey`, env),
  };
}
