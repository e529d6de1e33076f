import { installRequestTimeoutCheck } from './kafkajs-request-timeouts';

interface QueueUnderTest {
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  scheduleRequestTimeoutCheck(): void;
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

describe('kafkajs request timeouts, checked once a second', () => {
  beforeAll(() => installRequestTimeoutCheck());
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('times out a request past its timeout at the next check, not before', () => {
    const queue = requestQueue();
    const timeoutRequest = jest.fn();
    queue.inflight.set(1, { sentAt: 0, requestTimeout: 1500, timeoutRequest });
    queue.scheduleRequestTimeoutCheck();

    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(timeoutRequest).toHaveBeenCalledTimes(1);
    queue.destroy();
  });

  it('wakes once a second while requests are in flight, not ten times', () => {
    const queue = requestQueue();
    queue.inflight.set(1, { sentAt: 0, requestTimeout: 1500, timeoutRequest: jest.fn() });
    queue.scheduleRequestTimeoutCheck();

    expect(jest.getTimerCount()).toBe(1);
    const checked = jest.spyOn(queue.inflight, 'forEach');
    jest.advanceTimersByTime(1000);
    expect(checked).toHaveBeenCalledTimes(1);
    queue.destroy();
    expect(jest.getTimerCount()).toBe(0);
  });
});
