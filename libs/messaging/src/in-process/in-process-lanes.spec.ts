import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type PriorityClass,
  SMS_SUBMITTED,
  type SmsSubmittedEvent,
  laneOfMessage,
  newEnvelope,
} from '@tuxhat/contracts';

import { testMessage } from '@tuxhat/testing';

import { encodeEvent } from '../event-codec';
import { OnEventBatch } from '../on-event.decorator';
import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';

const handled: { messageId: string; priority: PriorityClass }[] = [];
let otpSeen: (() => void) | null = null;
let releaseBulk: () => void = () => undefined;
const bulkGate = new Promise<void>((resolve) => (releaseBulk = resolve));

@Controller()
class SubmittedController {
  @OnEventBatch(SMS_SUBMITTED)
  async handle(events: SmsSubmittedEvent[]): Promise<void> {
    if (events.some(({ message }) => laneOfMessage(message) === 'bulk')) await bulkGate;
    for (const { message } of events) {
      handled.push({ messageId: message.messageId, priority: laneOfMessage(message) });
    }
    if (handled.filter((item) => item.priority === 'otp').length === 3) otpSeen?.();
  }
}

@Module({ controllers: [SubmittedController] })
class LanesModule {}

const submitted = (priority: PriorityClass, n: number): SmsSubmittedEvent => ({
  ...newEnvelope(),
  message: testMessage({ messageId: `m-${priority}-${n}`, priority }),
});

describe(`${InProcessTransport.name} lanes`, () => {
  let app: INestMicroservice;
  let transport: InProcessTransport;
  const broker = new InProcessBroker();

  beforeAll(async () => {
    transport = new InProcessTransport({ broker, group: 'lanes', maxBatch: 10 });
    app = await NestFactory.createMicroservice(LanesModule, { strategy: transport, logger: false });
    await app.listen();
  });

  afterAll(() => app.close());

  it('handles OTP messages while the bulk lane is stuck behind its backlog', async () => {
    const otpHandled = new Promise<void>((resolve) => (otpSeen = resolve));
    broker.publish(
      Array.from({ length: 100 }, (_, n) => encodeEvent(SMS_SUBMITTED, submitted('bulk', n))),
    );
    broker.publish([0, 1, 2].map((n) => encodeEvent(SMS_SUBMITTED, submitted('otp', n))));

    await otpHandled;
    expect(handled.filter((item) => item.priority === 'bulk')).toHaveLength(0);

    releaseBulk();
    await transport.idle();
    expect(handled.filter((item) => item.priority === 'bulk')).toHaveLength(100);
    expect(handled.filter((item) => item.priority === 'otp')).toHaveLength(3);
  });
});
