import { installRequestQueueTimers } from './kafkajs-request-queue';

interface QueueUnderTest {
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  pending: unknown[];
  throttledUntil: number;
  scheduleRequestTimeoutCheck(): void;
  scheduleCheckPendingRequests(): void;
  checkPendingRequests(): void;
  destroy(): void;
}

function requestQueue(): QueueUnderTest {
  const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => QueueUnderTest;
  return new RequestQueue({
    maxInFlightRequests: null,
    requestTimeout: 1500,
    enforceRequestTimeout: true,
    clientId: 'spec',
    broker: 'localhost:9092',
    logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
  });
}

describe("kafkajs's request queue timers", () => {
  beforeAll(() => installRequestQueueTimers());
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('arms no timer to check pending requests when none are pending', () => {
    const queue = requestQueue();
    queue.scheduleCheckPendingRequests();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks pending requests once the throttle is over', () => {
    const queue = requestQueue();
    const checked = jest.spyOn(queue, 'checkPendingRequests').mockImplementation(() => undefined);
    queue.pending.push({});
    queue.throttledUntil = Date.now() + 500;
    queue.scheduleCheckPendingRequests();

    jest.advanceTimersByTime(499);
    expect(checked).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(checked).toHaveBeenCalledTimes(1);
    queue.destroy();
  });

  it('times out a request past its timeout at the next once-a-second check, not before', () => {
    const queue = requestQueue();
    const timeoutRequest = jest.fn();
    queue.inflight.set(1, { sentAt: Date.now(), requestTimeout: 1500, timeoutRequest });
    queue.scheduleRequestTimeoutCheck();

    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).toHaveBeenCalledTimes(1);
    queue.destroy();
  });

  it('wakes once a second while requests are in flight, not ten times', () => {
    const queue = requestQueue();
    queue.inflight.set(1, { sentAt: Date.now(), requestTimeout: 1500, timeoutRequest: jest.fn() });
    queue.scheduleRequestTimeoutCheck();

    expect(jest.getTimerCount()).toBe(1);
    const checked = jest.spyOn(queue.inflight, 'forEach');
    jest.advanceTimersByTime(1000);
    expect(checked).toHaveBeenCalledTimes(1);
    queue.destroy();
    expect(jest.getTimerCount()).toBe(0);
  });
});
