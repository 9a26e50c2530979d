import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SMS_OUTBOUND, type SmsOutboundEvent, outboundTopicsFor } from '@tuxhat/contracts';

import { testOutboundEvent } from '@tuxhat/testing';

import { encodeEvent } from '../event-codec';
import { OnEventBatch } from '../on-event.decorator';
import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';

const handled: string[] = [];
let onHandled: (() => void) | null = null;

@Controller()
class OutboundController {
  @OnEventBatch(SMS_OUTBOUND)
  handle(events: SmsOutboundEvent[]): void {
    for (const event of events) handled.push(`${event.carrierId}/${event.message.messageId}`);
    onHandled?.();
  }
}

@Module({ controllers: [OutboundController] })
class OutboundModule {}

const outbound = (carrierId: string, messageId: string): SmsOutboundEvent =>
  testOutboundEvent(carrierId, messageId, { priority: 'otp' });

/** Resolves once `expected` has been handled (in any order). */
function untilHandled(expected: string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (expected.every((item) => handled.includes(item))) resolve();
    };
    onHandled = check;
    check();
  });
}

// A connector's carrier added while it runs: its outbound topics are subscribed then.
describe(`${InProcessTransport.name} topics added while running`, () => {
  let app: INestMicroservice;
  let transport: InProcessTransport;
  const broker = new InProcessBroker();

  beforeAll(async () => {
    transport = new InProcessTransport({
      broker,
      group: 'added-topics',
      topicsFor: () => outboundTopicsFor('telco-a'),
    });
    app = await NestFactory.createMicroservice(OutboundModule, {
      strategy: transport,
      logger: false,
    });
    await app.listen();
  });

  afterAll(() => app.close());

  it('consumes a topic added after start with the handler of its pattern, once', async () => {
    broker.publish([encodeEvent(SMS_OUTBOUND, outbound('telco-b', 'before'))]);
    await transport.addTopics(outboundTopicsFor('telco-b'));
    // Adding again subscribes nothing twice.
    await transport.addTopics(outboundTopicsFor('telco-b'));
    broker.publish([
      encodeEvent(SMS_OUTBOUND, outbound('telco-b', 'after')),
      encodeEvent(SMS_OUTBOUND, outbound('telco-a', 'still')),
    ]);
    await untilHandled(['telco-b/after', 'telco-a/still']);
    await transport.idle();
    expect(handled.filter((item) => item === 'telco-b/after')).toHaveLength(1);
    // The broker keeps nothing for a topic nobody subscribed to (Kafka would deliver it).
    expect(handled).not.toContain('telco-b/before');
  });

  it('refuses topics once closed', async () => {
    const closed = new InProcessTransport({ broker, group: 'closed' });
    const closedApp = await NestFactory.createMicroservice(OutboundModule, {
      strategy: closed,
      logger: false,
    });
    await closedApp.listen();
    await closedApp.close();
    await expect(closed.addTopics(outboundTopicsFor('telco-c'))).rejects.toThrow(
      'closed is not running',
    );
  });
});
