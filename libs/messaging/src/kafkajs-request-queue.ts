/**
 * Two timers of kafkajs 2.2's per-connection RequestQueue made up most of an idle service's CPU.
 * Both patches keep kafkajs's behaviour and change only when it wakes up:
 * - `scheduleCheckPendingRequests` re-arms itself after every check, and with nothing pending and
 *   no throttle its delay is negative, so each connection spins on a 1 ms timer for as long as it
 *   is open (kafkajs issues #1556 and #1704, unfixed upstream). Nothing pending means nothing to
 *   check: a request queued later arms the timer again (`push`), and a request answered checks the
 *   queue itself (`fulfillRequest`).
 * - `scheduleRequestTimeoutCheck` looks for timed-out requests ten times a second, and a consumer
 *   always has a long-polling fetch in flight. Requests time out after 30 s by default, so checking
 *   once a second is as good.
 */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;
const REQUEST_TIMEOUT_CHECK_INTERVAL_MS = 1000;

interface InFlightRequest {
  sentAt: number;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface RequestQueueState {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  throttledUntil: number;
  inflight: Map<number, InFlightRequest>;
  pending: unknown[];
  destroy(): void;
  isConnected(): boolean;
  checkPendingRequests(): void;
}

interface RequestQueuePrototype {
  scheduleRequestTimeoutCheck(this: RequestQueueState): void;
  scheduleCheckPendingRequests(this: RequestQueueState): void;
}

let installed = false;

export function installRequestQueueTimers(): void {
  if (installed) return;
  installed = true;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueuePrototype };
  for (const method of ['scheduleRequestTimeoutCheck', 'scheduleCheckPendingRequests'] as const) {
    if (typeof RequestQueue.prototype[method] !== 'function') {
      throw new Error(`kafkajs has no RequestQueue#${method}: check this patch against its version`);
    }
  }

  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueState) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS,
    );
  };

  RequestQueue.prototype.scheduleRequestTimeoutCheck = function (this: RequestQueueState) {
    if (!this.enforceRequestTimeout) return;
    this.destroy();
    this.requestTimeoutIntervalId = setInterval(
      () => {
        this.inflight.forEach((request) => {
          if (Date.now() - request.sentAt > request.requestTimeout) request.timeoutRequest();
        });
        if (!this.isConnected()) this.destroy();
      },
      Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_INTERVAL_MS),
    );
  };
}
