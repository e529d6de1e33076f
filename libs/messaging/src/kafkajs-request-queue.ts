/**
 * kafkajs 2.2 checks every connection for timed-out requests ten times a second
 * (`RequestQueue#scheduleRequestTimeoutCheck`: an interval of min(requestTimeout, 100) ms), and a
 * consumer always has a long-polling fetch in flight. With a few connections per service that
 * timer was the largest part of an idle service's CPU. Requests time out after 30 s by default, so
 * checking once a second is as good; the check itself is kafkajs's, unchanged.
 */
const CHECK_INTERVAL_MS = 1000;

interface InFlightRequest {
  sentAt: number;
  requestTimeout: number;
  timeoutRequest(): void;
}

interface RequestQueuePrototype {
  scheduleRequestTimeoutCheck(this: RequestQueueState): void;
}

interface RequestQueueState {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  inflight: Map<number, InFlightRequest>;
  destroy(): void;
  isConnected(): boolean;
}

let installed = false;

export function installRequestTimeoutCheck(): void {
  if (installed) return;
  installed = true;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueuePrototype };
  if (typeof RequestQueue.prototype.scheduleRequestTimeoutCheck !== 'function') {
    throw new Error(
      'kafkajs has no RequestQueue#scheduleRequestTimeoutCheck: check this patch against its version',
    );
  }
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
      Math.min(this.requestTimeout, CHECK_INTERVAL_MS),
    );
  };
}
