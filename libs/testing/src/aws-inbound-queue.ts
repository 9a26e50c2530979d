import {
  CreateTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';

import { MOTO_CREDENTIALS, MOTO_REGION } from './moto-server';

/**
 * What AWS sets up for a two-way number, on moto: an SNS topic that inbound SMS are published
 * to, and an SQS queue subscribed to it (the carrier's `inbound.queueUrl`). The test plays AWS:
 * it publishes inbound SMS to the topic, or puts bodies straight on the queue.
 */
export class InboundQueue {
  private constructor(
    private readonly sns: SNSClient,
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    private readonly topicArn: string,
  ) {}

  static async create(endpoint: string, name: string): Promise<InboundQueue> {
    const config = { region: MOTO_REGION, endpoint, credentials: MOTO_CREDENTIALS };
    const sns = new SNSClient(config);
    const sqs = new SQSClient(config);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${name}-topic` }));
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes!['QueueArn'] }),
    );
    return new InboundQueue(sns, sqs, QueueUrl!, TopicArn!);
  }

  /** An inbound SMS as AWS publishes it to the topic (the queue gets SNS's envelope around it). */
  async publishInbound(sms: {
    from: string;
    to: string;
    text: string;
    inboundMessageId: string;
  }): Promise<void> {
    await this.sns.send(
      new PublishCommand({ TopicArn: this.topicArn, Message: JSON.stringify(awsInboundSms(sms)) }),
    );
  }

  /** A body straight on the queue: raw message delivery, or anything at all. */
  async send(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }

  /** Messages in the queue, handed out (in flight) or not. */
  async size(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes['ApproximateNumberOfMessages'] ?? 0) +
      Number(Attributes['ApproximateNumberOfMessagesNotVisible'] ?? 0)
    );
  }

  async purge(): Promise<void> {
    await this.sqs.send(new PurgeQueueCommand({ QueueUrl: this.queueUrl }));
  }

  close(): void {
    this.sns.destroy();
    this.sqs.destroy();
  }
}

/** The JSON AWS End User Messaging SMS publishes for an inbound SMS. */
export function awsInboundSms(sms: {
  from: string;
  to: string;
  text: string;
  inboundMessageId: string;
}) {
  return {
    originationNumber: sms.from,
    destinationNumber: sms.to,
    messageKeyword: sms.text.split(' ')[0]?.toUpperCase() ?? '',
    messageBody: sms.text,
    inboundMessageId: sms.inboundMessageId,
    previousPublishedMessageId: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
}
