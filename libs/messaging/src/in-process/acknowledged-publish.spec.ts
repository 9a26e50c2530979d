import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { DEAD_LETTER, SMS_STATUS, type SmsStatusEvent } from '@tuxhat/contracts';

import { BusContext } from '../dispatch/bus-context';
import { BusExceptionFilter } from '../dispatch/bus-exception.filter';
import { PermanentError } from '../errors';
import { encodeEvent } from '../event-codec';
import { EventPublisher } from '../event-publisher';
import { OnEvent } from '../on-event.decorator';
import { AcknowledgementTimeoutError } from './acknowledgement';
import { InProcessEventClient } from './in-process-event.client';
import { InProcessBroker } from './in-process.broker';
import { InProcessTransport } from './in-process.transport';
import { RecordingSubscriber } from './test/recording-subscriber';
import { statusEvent } from './test/status-event';

type Group = 'history' | 'billing';

/** What each group's handler does with an event; set per test. */
let behaviour: (group: Group, event: SmsStatusEvent, attempt: number) => Promise<void> | void;
/** What happened, in order: `<group> <messageId> #<attempt>` and the test's own marks. */
const timeline: string[] = [];
const waiters: { entry: string; resolve: () => void }[] = [];

function mark(entry: string): void {
  timeline.push(entry);
  for (const waiter of waiters.filter((candidate) => candidate.entry === entry)) {
    waiters.splice(waiters.indexOf(waiter), 1);
    waiter.resolve();
  }
}

function until(entry: string): Promise<void> {
  if (timeline.includes(entry)) return Promise.resolve();
  return new Promise((resolve) => waiters.push({ entry, resolve }));
}

function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

async function handle(group: Group, event: SmsStatusEvent, context: BusContext): Promise<void> {
  const attempt = context.getAttempt();
  await behaviour(group, event, attempt);
  mark(`${group} ${event.messageId} #${attempt}`);
}

@Controller()
class HistoryController {
  @OnEvent(SMS_STATUS)
  handle(@Payload() event: SmsStatusEvent, @Ctx() context: BusContext): Promise<void> {
    return handle('history', event, context);
  }
}

@Controller()
class BillingController {
  @OnEvent(SMS_STATUS)
  handle(@Payload() event: SmsStatusEvent, @Ctx() context: BusContext): Promise<void> {
    return handle('billing', event, context);
  }
}

@Module({ controllers: [HistoryController] })
class HistoryModule {}

@Module({ controllers: [BillingController] })
class BillingModule {}

describe('acknowledged publish on the in-process bus', () => {
  let broker: InProcessBroker;
  let publisher: EventPublisher;
  let watcher: RecordingSubscriber;
  let deadLetters: RecordingSubscriber;
  let groups: Map<Group, INestMicroservice>;

  async function startGroup(group: Group, backoffMs: number): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(
      group === 'history' ? HistoryModule : BillingModule,
      {
        strategy: new InProcessTransport({
          broker,
          group,
          retryPolicy: { maxAttempts: 3, backoffMs: [backoffMs] },
        }),
        logger: false,
      },
    );
    app.useGlobalFilters(new BusExceptionFilter());
    await app.listen();
    return app;
  }

  /** Both groups consume sms.status; a watcher (a test recorder) sees it too. */
  async function start(options: { backoffMs?: number; timeoutMs?: number } = {}): Promise<void> {
    broker = new InProcessBroker();
    publisher = new EventPublisher(new InProcessEventClient(broker, options.timeoutMs ?? 10_000));
    watcher = new RecordingSubscriber();
    deadLetters = new RecordingSubscriber();
    broker.subscribe(SMS_STATUS.name, watcher);
    broker.subscribe(DEAD_LETTER.name, deadLetters);
    groups = new Map();
    for (const group of ['history', 'billing'] as const) {
      groups.set(group, await startGroup(group, options.backoffMs ?? 1));
    }
  }

  /** Publishes durably and marks `settled <id>` or `refused <id>` in the timeline. */
  function publishDurably(event: SmsStatusEvent): Promise<unknown> {
    return publisher.publishDurably(SMS_STATUS, event).then(
      () => mark(`settled ${event.messageId}`),
      (error: unknown) => {
        mark(`refused ${event.messageId}`);
        return error;
      },
    );
  }

  beforeEach(() => {
    timeline.length = 0;
    waiters.length = 0;
    behaviour = () => undefined;
  });

  afterEach(async () => {
    for (const app of groups.values()) await app.close();
  });

  it('settles only when every consumer group has handled the event, whatever watches it', async () => {
    await start();
    const billing = gate();
    behaviour = (group) => (group === 'billing' ? billing.opened : undefined);

    const published = publishDurably(statusEvent('m1'));
    await until('history m1 #1');
    await watcher.waitForCount(1);
    expect(timeline).not.toContain('settled m1');

    billing.open();
    await published;
    expect(timeline.indexOf('settled m1')).toBeGreaterThan(timeline.indexOf('billing m1 #1'));
  });

  it('resolves at once on the plain publish, which waits for no consumer', async () => {
    await start();
    const billing = gate();
    behaviour = (group) => (group === 'billing' ? billing.opened : undefined);

    await publisher.publish(SMS_STATUS, statusEvent('m1'));
    expect(timeline).toEqual([]);
    billing.open();
    await until('billing m1 #1');
  });

  it('waits through a retry: the group that failed must handle the event first', async () => {
    await start();
    behaviour = (group, _event, attempt) => {
      if (group === 'billing' && attempt === 1) throw new Error('database unavailable');
    };

    await publishDurably(statusEvent('m1'));
    expect(timeline).toContain('billing m1 #2');
    expect(timeline.indexOf('settled m1')).toBeGreaterThan(timeline.indexOf('billing m1 #2'));
  });

  it('counts an event dead-lettered by a group as done with: it is kept, as on Kafka', async () => {
    await start();
    behaviour = (group) => {
      if (group === 'billing') throw new PermanentError('cannot be billed');
    };

    await publishDurably(statusEvent('m1'));
    await deadLetters.waitForCount(1);
    expect(timeline).toEqual(['history m1 #1', 'settled m1']);
  });

  it('rejects after the timeout when a group takes longer, and the event is still handled', async () => {
    await start({ timeoutMs: 50 });
    const billing = gate();
    behaviour = (group) => (group === 'billing' ? billing.opened : undefined);

    const error = await publishDurably(statusEvent('m1'));
    expect(error).toBeInstanceOf(AcknowledgementTimeoutError);
    expect((error as Error).message).toContain(SMS_STATUS.name);

    billing.open();
    await until('billing m1 #1');
  });

  it('waits for the copy still being handled when the same event is published again', async () => {
    await start();
    const billing = gate();
    behaviour = (group) => (group === 'billing' ? billing.opened : undefined);
    const event = statusEvent('m1');

    const first = publishDurably(event);
    await until('history m1 #1');
    const again = publishDurably(event);
    billing.open();
    await Promise.all([first, again]);

    expect(timeline.filter((entry) => entry === 'settled m1')).toHaveLength(2);
    expect(timeline.filter((entry) => entry.startsWith('billing m1'))).toEqual(['billing m1 #1']);
    expect(watcher.records).toHaveLength(1);
  });

  it('adds no copy after the first publisher stopped waiting, and settles the later wait', async () => {
    await start({ timeoutMs: 50 });
    const billing = gate();
    behaviour = (group) => (group === 'billing' ? billing.opened : undefined);
    const event = statusEvent('m1');

    expect(await publishDurably(event)).toBeInstanceOf(AcknowledgementTimeoutError);
    // The carrier's redelivery, while billing still has the first copy.
    const again = publishDurably(event);
    billing.open();
    expect(await again).toBeUndefined();

    expect(timeline.filter((entry) => entry.startsWith('history m1'))).toEqual(['history m1 #1']);
    expect(watcher.records).toHaveLength(1);
  });

  it('delivers the same event again once its first copy is settled', async () => {
    await start();
    const event = statusEvent('m1');

    await publishDurably(event);
    await publishDurably(event);

    expect(timeline.filter((entry) => entry === 'history m1 #1')).toHaveLength(2);
    expect(watcher.records).toHaveLength(2);
  });

  it('is refused when a group closes before its retry', async () => {
    await start({ backoffMs: 60_000 });
    behaviour = (group, _event, attempt) => {
      if (group === 'billing' && attempt === 1) throw new Error('database unavailable');
    };

    const published = publishDurably(statusEvent('m1'));
    await until('history m1 #1');
    await groups.get('billing')!.close();
    groups.delete('billing');

    expect(await published).toEqual(new Error('billing closed before a retry'));
  });

  it('hands the wait of a durable publish made for an acknowledged event to that event', async () => {
    await start();
    const billing = gate();
    // History publishes an effect of each cause durably on the topic it consumes itself; billing
    // holds the effect.
    behaviour = async (group, event) => {
      if (group === 'history' && event.detail === 'cause') {
        await publisher.publishDurably(SMS_STATUS, statusEvent(`${event.messageId}-effect`));
      }
      if (group === 'billing' && event.messageId.endsWith('-effect')) await billing.opened;
    };

    const published = publishDurably(statusEvent('m1', 'cause'));
    // History's handler went on at once: its queue is not held up by billing's.
    await until('history m1 #1');
    await until('billing m1 #1');
    expect(timeline).not.toContain('settled m1');

    billing.open();
    await published;
    expect(timeline.indexOf('settled m1')).toBeGreaterThan(
      timeline.indexOf('billing m1-effect #1'),
    );
    // History was not waited for with its own effect (it would have waited for itself): it
    // takes the effect after the cause.
    await until('history m1-effect #1');
  });

  it('only acknowledges encoded events', async () => {
    await start();
    await expect(
      broker.publishAcknowledged(
        { topic: SMS_STATUS.name, key: 'm1', value: Buffer.from('{}'), headers: {} },
        1_000,
      ),
    ).rejects.toThrow('only encoded events are acknowledged');
    // The typed path always makes one.
    await expect(
      broker.publishAcknowledged(encodeEvent(SMS_STATUS, statusEvent('m2'), {}), 1_000),
    ).resolves.toBeUndefined();
  });
});
