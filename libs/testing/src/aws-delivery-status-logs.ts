import { randomInt } from 'node:crypto';

import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';

import { MOTO_CREDENTIALS, MOTO_REGION } from './moto-server';

/** An SMS's delivery status as SNS logs it. */
export interface AwsDeliveryStatus {
  /** The MessageId SNS Publish answered. */
  readonly messageId: string;
  readonly destination: string;
  readonly status: 'SUCCESS' | 'FAILURE';
  /** Default: SNS's words for the status ("Message has been accepted by phone carrier", ...). */
  readonly providerResponse?: string;
  /** When SNS wrote it (default now). */
  readonly writtenAt?: Date;
}

/**
 * What SMS delivery status logging sets up in an AWS account, on moto's CloudWatch Logs: the
 * log groups `sns/<region>/<account>/DirectPublishToPhoneNumber` (and `/Failure`), each created
 * at its first status, as SNS does. The test plays SNS: it writes the status of a message the
 * gateway published. Each instance is a fresh account id, so tests sharing moto do not meet.
 */
export class DeliveryStatusLogs {
  readonly accountId = String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
  private readonly client: CloudWatchLogsClient;
  private readonly streams = new Map<string, string>();

  constructor(endpoint: string) {
    this.client = new CloudWatchLogsClient({
      region: MOTO_REGION,
      endpoint,
      credentials: MOTO_CREDENTIALS,
    });
  }

  /** The carrier's `deliveryStatus` setting for this account. */
  setting(pollSeconds = 1): { accountId: string; pollSeconds: number } {
    return { accountId: this.accountId, pollSeconds };
  }

  logGroup(status: AwsDeliveryStatus['status']): string {
    const base = `sns/${MOTO_REGION}/${this.accountId}/DirectPublishToPhoneNumber`;
    return status === 'SUCCESS' ? base : `${base}/Failure`;
  }

  /** Writes statuses as SNS does, each into its group (made at its first status). */
  async write(...statuses: AwsDeliveryStatus[]): Promise<void> {
    for (const status of statuses)
      await this.writeRaw(status.status, [awsDeliveryStatus(status)], status.writtenAt);
  }

  /** Anything at all as log events of a group (`now` unless given). */
  async writeRaw(
    group: AwsDeliveryStatus['status'],
    records: readonly unknown[],
    writtenAt = new Date(),
  ): Promise<void> {
    const logGroupName = this.logGroup(group);
    const logStreamName = await this.streamOf(logGroupName);
    await this.client.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName,
        logEvents: records.map((record) => ({
          timestamp: writtenAt.getTime(),
          message: typeof record === 'string' ? record : JSON.stringify(record),
        })),
      }),
    );
  }

  close(): void {
    this.client.destroy();
  }

  private async streamOf(logGroupName: string): Promise<string> {
    const known = this.streams.get(logGroupName);
    if (known) return known;
    await this.client.send(new CreateLogGroupCommand({ logGroupName })).catch((error: unknown) => {
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    });
    const logStreamName = `stream-${this.streams.size}`;
    await this.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    this.streams.set(logGroupName, logStreamName);
    return logStreamName;
  }
}

/** The JSON SNS logs for an SMS's delivery status (AWS's documented shape). */
export function awsDeliveryStatus(status: AwsDeliveryStatus) {
  const success = status.status === 'SUCCESS';
  return {
    notification: {
      messageId: status.messageId,
      timestamp: (status.writtenAt ?? new Date()).toISOString().replace('T', ' ').replace('Z', ''),
    },
    delivery: {
      ...(success ? { phoneCarrier: 'Test Carrier' } : {}),
      mnc: success ? 270 : 0,
      destination: status.destination,
      priceInUSD: 0.00645,
      smsType: 'Transactional',
      mcc: success ? 310 : 0,
      providerResponse:
        status.providerResponse ??
        (success
          ? 'Message has been accepted by phone carrier'
          : 'Unknown error attempting to reach phone'),
      dwellTimeMs: 599,
      ...(success ? { dwellTimeMsUntilDeviceAck: 1344 } : {}),
    },
    status: status.status,
  };
}
