import { SMS_STATUS } from '@tuxhat/contracts';

import type { DeliveredEvent } from '../bus-record';
import { encodeEvent } from '../event-codec';
import { InProcessBroker } from './in-process.broker';
import { RecordingSubscriber } from './test/recording-subscriber';
import { statusEvent } from './test/status-event';

/** A consumer group whose records the test reports done. */
class ConsumerGroup extends RecordingSubscriber {
  constructor(readonly acknowledgesAs: string) {
    super();
  }

  finish(index: number): void {
    (this.records[index] as DeliveredEvent).acknowledgement!.finished(this.acknowledgesAs);
  }
}

describe(InProcessBroker.name, () => {
  it('holds what is published until open, then delivers it in order to who subscribed meanwhile', () => {
    const broker = new InProcessBroker();
    const early = new RecordingSubscriber();
    broker.subscribe(SMS_STATUS.name, early);
    broker.hold();
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m1')));
    broker.publish([encodeEvent(SMS_STATUS, statusEvent('m2'))]);
    const late = new RecordingSubscriber();
    broker.subscribe(SMS_STATUS.name, late);
    expect(early.records).toEqual([]);

    broker.open();
    for (const subscriber of [early, late]) {
      expect(subscriber.records.map((record) => record.key)).toEqual(['m1', 'm2']);
    }
    broker.publishOne(encodeEvent(SMS_STATUS, statusEvent('m3')));
    expect(late.records.map((record) => record.key)).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps the records of a kept topic nobody subscribes to for its first subscriber, and drops others', () => {
    const kept = new InProcessBroker({ keepUntilSubscribed: (topic) => topic === SMS_STATUS.name });
    kept.publish(['m1', 'm2'].map((id) => encodeEvent(SMS_STATUS, statusEvent(id))));
    expect(kept.unclaimedCount()).toBe(2);
    const first = new RecordingSubscriber();
    kept.subscribe(SMS_STATUS.name, first);
    kept.publishOne(encodeEvent(SMS_STATUS, statusEvent('m3')));
    expect(first.records.map((record) => record.key)).toEqual(['m1', 'm2', 'm3']);
    expect(kept.unclaimedCount()).toBe(0);
    // Delivered once: a later subscriber sees only what comes after it.
    const second = new RecordingSubscriber();
    kept.subscribe(SMS_STATUS.name, second);
    expect(second.records).toEqual([]);

    const dropping = new InProcessBroker();
    dropping.publishOne(encodeEvent(SMS_STATUS, statusEvent('m1')));
    const late = new RecordingSubscriber();
    dropping.subscribe(SMS_STATUS.name, late);
    expect(late.records).toEqual([]);
    expect(dropping.unclaimedCount()).toBe(0);
  });

  it('settles an acknowledged publish made while held once the groups that got it at open are done', async () => {
    const broker = new InProcessBroker();
    broker.hold();
    let settled = false;
    const published = broker
      .publishAcknowledged(encodeEvent(SMS_STATUS, statusEvent('m1')), 10_000)
      .then(() => (settled = true));
    const history = new ConsumerGroup('history');
    broker.subscribe(SMS_STATUS.name, history);
    await Promise.resolve();
    expect(settled).toBe(false);

    broker.open();
    await Promise.resolve();
    expect(settled).toBe(false);
    history.finish(0);
    await published;
    expect(settled).toBe(true);
  });
});
