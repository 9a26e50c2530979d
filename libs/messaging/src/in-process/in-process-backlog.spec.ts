import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';
import { Metrics } from '@tuxhat/observability';

import { encodeEvent } from '../event-codec';
import { OnEvent } from '../on-event.decorator';
import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';
import { statusEvent } from './test/status-event';

let started: () => void;
let release: () => void;

@Controller()
class HeldController {
  /** The first event waits for the test; the others go through. */
  @OnEvent(SMS_STATUS)
  async handle(@Payload() event: SmsStatusEvent): Promise<void> {
    if (event.messageId !== 'm1') return;
    started();
    await new Promise<void>((resolve) => (release = resolve));
  }
}

@Module({ controllers: [HeldController] })
class HeldModule {}

describe('the in-memory backlog of an in-process consumer group (tuxhat_bus_queued)', () => {
  const apps: INestMicroservice[] = [];

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  /** The history group on a broker of its own, counted into a registry of its own. */
  async function start() {
    const metrics = new Metrics();
    const broker = new InProcessBroker();
    const transport = new InProcessTransport({ broker, group: 'history', metrics });
    const app = await NestFactory.createMicroservice(HeldModule, {
      strategy: transport,
      logger: false,
    });
    await app.listen();
    apps.push(app);
    const queued = async () =>
      /tuxhat_bus_queued\{group="history",lane="[a-z]+"\} (\d+)/.exec(await metrics.render())?.[1];
    return { metrics, broker, transport, app, queued };
  }

  it('counts the records waiting behind the batch in hand, and none once they are handled', async () => {
    const { broker, transport, queued } = await start();
    const handling = new Promise<void>((resolve) => (started = resolve));
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m1'), {}));
    await handling;
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m2'), {}));
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m3'), {}));

    expect(await queued()).toBe('2');

    release();
    await transport.idle();
    expect(await queued()).toBe('0');
  });

  it('stops counting when the group closes', async () => {
    const { broker, app, metrics, queued } = await start();
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m2'), {}));
    expect(await queued()).toBeDefined();

    await app.close();
    expect(await metrics.render()).not.toContain('tuxhat_bus_queued{');
  });
});
