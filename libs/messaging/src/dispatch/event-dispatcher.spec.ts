import { Logger } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import {
  DEAD_LETTER,
  SMS_STATUS,
  type DeadLetterEvent,
  type SmsStatusEvent,
  newEnvelope,
} from '@tuxhat/contracts';

import { DeliveredEvent, EncodedEvent } from '../bus-record';
import { encodeEvent } from '../event-codec';
import { DEFAULT_RETRY_POLICY } from '../retry-policy';
import { EventDispatcher } from './event-dispatcher';

const status: SmsStatusEvent = {
  ...newEnvelope(),
  messageId: 'm-1',
  tenantId: 'acme',
  status: 'sent',
  source: 'test',
};
const deadLetter: DeadLetterEvent = {
  ...newEnvelope(),
  originalTopic: 'sms.status',
  originalKey: null,
  consumerGroup: 'test',
  reason: 'test',
  attempts: 1,
  payload: '{}',
};

function delivered(record: ReturnType<typeof encodeEvent>, offset: number): DeliveredEvent {
  return new DeliveredEvent(record as EncodedEvent, String(offset));
}

/** A dispatcher whose handlers record the topics they were called for, in call order. */
function dispatcherDeclaring(topics: readonly string[], calls: string[]): EventDispatcher {
  const handlers = new Map<string, MessageHandler>(
    topics.map((topic) => {
      const handler = (async () => {
        calls.push(topic);
      }) as unknown as MessageHandler;
      handler.extras = { batch: true };
      return [topic, handler];
    }),
  );
  return new EventDispatcher({
    group: 'dispatcher-order-test',
    handlers: {
      getHandlerByPattern: (pattern) => handlers.get(pattern) ?? null,
      getHandlers: () => handlers,
    },
    retryPolicy: DEFAULT_RETRY_POLICY,
    failures: {
      retry: () => Promise.reject(new Error('no retry expected')),
      deadLetter: () => Promise.reject(new Error('no dead letter expected')),
    },
    logger: new Logger('test'),
    maxConcurrency: 4,
    system: 'in-process',
  });
}

describe('EventDispatcher', () => {
  it('runs the topics of one batch in the order their handlers are declared, not as they came', async () => {
    const calls: string[] = [];
    const dispatcher = dispatcherDeclaring([SMS_STATUS.name, DEAD_LETTER.name], calls);

    await dispatcher.handle([
      delivered(encodeEvent(DEAD_LETTER, deadLetter), 0),
      delivered(encodeEvent(SMS_STATUS, status), 1),
    ]);

    expect(calls).toEqual([SMS_STATUS.name, DEAD_LETTER.name]);
  });

  it('follows the declaration the other way round too', async () => {
    const calls: string[] = [];
    const dispatcher = dispatcherDeclaring([DEAD_LETTER.name, SMS_STATUS.name], calls);

    await dispatcher.handle([
      delivered(encodeEvent(SMS_STATUS, status), 0),
      delivered(encodeEvent(DEAD_LETTER, deadLetter), 1),
    ]);

    expect(calls).toEqual([DEAD_LETTER.name, SMS_STATUS.name]);
  });

  it('never dead-letters a dead letter: the consumer gives it up with an error logged', async () => {
    const failing = (async () => {
      throw new Error('table writer down');
    }) as unknown as MessageHandler;
    failing.extras = { batch: true };
    const handlers = new Map<string, MessageHandler>([[DEAD_LETTER.name, failing]]);
    const deadLetters: string[] = [];
    const errors: string[] = [];
    const logger = new Logger('test');
    jest.spyOn(logger, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const dispatcher = new EventDispatcher({
      group: 'gateway',
      handlers: {
        getHandlerByPattern: (pattern) => handlers.get(pattern) ?? null,
        getHandlers: () => handlers,
      },
      retryPolicy: { maxAttempts: 1, backoffMs: [] },
      failures: {
        retry: () => Promise.reject(new Error('no retry expected')),
        deadLetter: async (record) => {
          deadLetters.push(record.topic);
        },
      },
      logger,
      maxConcurrency: 4,
      system: 'in-process',
    });

    await dispatcher.handle([
      delivered(encodeEvent(DEAD_LETTER, deadLetter), 3),
      delivered(encodeEvent(SMS_STATUS, status), 4),
    ]);

    // The status had no handler: dead-lettered as ever. The dead letter: only logged.
    expect(deadLetters).toEqual([SMS_STATUS.name]);
    expect(errors).toContainEqual(
      expect.stringContaining('gave up on a dead letter (offset 3 of sms.deadletter.v1'),
    );
  });
});
