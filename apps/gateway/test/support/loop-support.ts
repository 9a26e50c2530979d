import { type Lane, SMS_SUBMITTED, laneTopicName } from '@tuxhat/contracts';
import type { MessageStatus } from '@tuxhat/database';
import { Bus, EventPublisher, type InProcessBroker } from '@tuxhat/messaging';
import { TopicRecorder } from '@tuxhat/testing';

const quiet = { log() {}, warn() {}, error() {} };

/** An EventPublisher on an in-process broker, as the all-in-one gateway has. */
export function publisherOn(broker: InProcessBroker): EventPublisher {
  return new EventPublisher(Bus.create({ kind: 'in-process', broker }, quiet).createClient());
}

/** Records what is published to sms.submitted in one lane. */
export function submittedIn(
  broker: InProcessBroker,
  lane: Lane,
): TopicRecorder<typeof SMS_SUBMITTED> {
  return new TopicRecorder(SMS_SUBMITTED, broker, laneTopicName(SMS_SUBMITTED.name, lane));
}

/** A row of acme's message `id` for createMany. */
export function storedMessage(
  id: string,
  status: MessageStatus,
  extra: { createdAt?: Date; parkedAt?: Date; priority?: string } = {},
) {
  return {
    id,
    tenantId: 'acme',
    destination: '+38267123456',
    source: 'ACME',
    body: `text of ${id}`,
    encoding: 'gsm7',
    parts: 1,
    status,
    ...extra,
  };
}

/**
 * The pause of a polling loop (the re-drive, the feeder), stepped by the test: `pausedFor(n)`
 * resolves once the loop has paused n times, `step()` ends the oldest pause.
 */
export function steppedPause() {
  const pauses: (() => void)[] = [];
  let paused = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    pause: () =>
      new Promise<void>((resolve) => {
        pauses.push(resolve);
        paused++;
        for (const waiter of waiters.filter((item) => item.count <= paused)) waiter.resolve();
      }),
    pausedFor: (count: number) =>
      new Promise<void>((resolve) => {
        if (paused >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    step: () => pauses.shift()!(),
  };
}
