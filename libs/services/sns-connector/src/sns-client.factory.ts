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
  const { region, endpoint, accessKeyId, secretAccessKey } = carrier.settings;
  const key = `carriers[${carrier.id}].sns`;
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId: resolveSecret(accessKeyId, `${key}.accessKeyId`, env),
            secretAccessKey: resolveSecret(secretAccessKey, `${key}.secretAccessKey`, env),
          },
        }
      : {}),
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: Math.min(requestTimeoutMs, 5_000),
    },
  };
}
