import { type SNSClientConfig } from '@aws-sdk/client-sns';
import { resolveSecret } from '@tuxhat/config';

import type { SnsCarrier } from './sns-carrier.repository';

/** What the carrier's SNS client and its inbound queue's SQS client are made with. */
export type AwsClientConfig = Pick<
  SNSClientConfig,
  'region' | 'endpoint' | 'credentials' | 'maxAttempts' | 'requestHandler'
>;

/**
 * The AWS client configuration of a carrier (SNS, and SQS for its inbound SMS): its region,
 * its endpoint when it has one (an emulator, a VPC endpoint), and static credentials when the
 * carrier names them (resolved from the environment, never logged); without them the AWS
 * default chain applies (IAM role, AWS_* variables). The SDK does not retry on its own: a
 * failed Publish goes back to the bus, whose retry topic keeps the event (and its back-off)
 * across restarts; a failed receive is tried again by the inbound poller.
 */
export function awsClientConfigFor(
  carrier: SnsCarrier,
  requestTimeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): AwsClientConfig {
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
