import { fixKafkajsRequestQueueTimer } from './kafkajs-request-queue.fix';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;

const newQueue = (): Queue =>
  new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: true,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });

describe(fixKafkajsRequestQueueTimer.name, () => {
  beforeAll(() => fixKafkajsRequestQueueTimer());

  it('arms no timer while nothing waits (the stock one re-armed a 1 ms timer for ever)', () => {
    const queue = newQueue();
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('checks waiting requests again once the broker throttle is over', () => {
    jest.useFakeTimers();
    try {
      const queue = newQueue();
      const check = jest.spyOn(queue, 'checkPendingRequests').mockImplementation(() => {});
      queue.pending.push({});
      queue.throttledUntil = Date.now() + 500;
      queue.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(499);
      expect(check).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(check).toHaveBeenCalledTimes(1);
      expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
