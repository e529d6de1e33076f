import { Logger } from '@nestjs/common';
import type { PushDispatch, PushSubscription } from '@switchboard/contracts';
import type { ChannelProvider, ProviderSendContext, ProviderSendResult } from '@switchboard/sender-kit';
import { classifyPushResponse, maskPersonalData, type ProviderFailure } from '@switchboard/delivery';
import { generateRequestDetails, type RequestOptions } from 'web-push';
import { postPushRequest, type PostPush } from './post-push-request';
import {
  decidePushDelivery,
  SUBSCRIPTION_GONE,
  type PushDeliveryCounts,
  type SubscriptionOutcome,
} from './push-delivery-decision';
import type { PushEndpointGuard } from './push-endpoint-guard';
import { MAX_PUSH_PAYLOAD_BYTES, pushPayload } from './push-payload';
import type { VapidAuthorizationCache } from './vapid-authorization-cache';

/** A subscription whose push service answered 404 or 410: the browser unsubscribed or it expired. */
export interface GoneSubscription {
  endpoint: string;
  /** The push service's answer, e.g. "HTTP 410: ...". */
  reason: string;
  /** When the answer came. */
  at: Date;
}

export interface WebPushProviderOptions {
  vapid: VapidAuthorizationCache;
  endpointGuard: PushEndpointGuard;
  /** Longest wait for one push service's answer. */
  requestTimeoutMs: number;
  /** Tells the owner of subscriptions which ones to remove; a failure here is logged, not fatal. */
  reportGoneSubscriptions?(dispatch: PushDispatch, gone: GoneSubscription[]): Promise<void>;
  post?: PostPush;
  now?: () => Date;
}

/** Thrown by `send` when no subscription accepted the push; `classify` reads its failure. */
export class PushDeliveryError extends Error {
  override readonly name = 'PushDeliveryError';

  constructor(
    readonly failure: ProviderFailure,
    readonly counts?: PushDeliveryCounts,
    /** Some push service got the request but its answer never came: it may show the notification. */
    readonly outcomeUnknown = false,
  ) {
    super(`${failure.code}: ${failure.reason}`);
  }
}

export const WEB_PUSH_PROVIDER = 'web-push';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
// Failures after which the push may have reached the push service: the request was written.
const OUTCOME_UNKNOWN_CODES = new Set(['timeout', 'aborted', 'ECONNRESET', 'EPIPE']);

/**
 * Sends a push dispatch to every subscription of the recipient with the Web Push protocol
 * (RFC 8030): the notification is encrypted for each subscription (aes128gcm, RFC 8291) by the
 * web-push library, signed with the cached VAPID token of its push service (RFC 8292), and
 * POSTed by this provider, after the endpoint has been checked again against internal addresses.
 */
export class WebPushProvider implements ChannelProvider<PushDispatch> {
  readonly name = WEB_PUSH_PROVIDER;
  private readonly logger = new Logger(WebPushProvider.name);
  private readonly post: PostPush;
  private readonly now: () => Date;

  constructor(private readonly options: WebPushProviderOptions) {
    if (!Number.isInteger(options.requestTimeoutMs) || options.requestTimeoutMs < 1) {
      throw new RangeError(`requestTimeoutMs must be a positive integer, got ${options.requestTimeoutMs}`);
    }
    this.post = options.post ?? postPushRequest;
    this.now = options.now ?? (() => new Date());
  }

  async send(dispatch: PushDispatch, context: ProviderSendContext): Promise<ProviderSendResult> {
    const payload = pushPayload(dispatch);
    if (payload.length > MAX_PUSH_PAYLOAD_BYTES) {
      throw new PushDeliveryError({
        kind: 'permanent',
        code: 'payload-too-large',
        reason: `the notification is ${payload.length} bytes, push services take at most ${MAX_PUSH_PAYLOAD_BYTES}`,
      });
    }
    const outcomes = await Promise.all(
      dispatch.subscriptions.map((subscription) =>
        this.pushTo(subscription, payload, dispatch, context.signal),
      ),
    );
    await this.reportGone(dispatch, outcomes);
    const decision = decidePushDelivery(dispatch.messageId, outcomes);
    if (decision.result === 'failed') {
      const outcomeUnknown = outcomes.some(
        (outcome) => outcome.outcome === 'failed' && OUTCOME_UNKNOWN_CODES.has(outcome.failure.code),
      );
      throw new PushDeliveryError(decision.failure, decision.counts, outcomeUnknown);
    }
    return { providerMessageId: decision.providerMessageId, detail: { ...decision.counts } };
  }

  classify(error: unknown): ProviderFailure {
    if (error instanceof PushDeliveryError) return error.failure;
    // Not a push service's answer (a bug, say): retried rather than lost, as the other providers do.
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'transient', code: 'unexpected', reason: maskPersonalData(message) };
  }

  /** For the sender runtime: an attempt that may have reached a push service is not failed over. */
  mayHaveBeenSent(error: unknown): boolean {
    return error instanceof PushDeliveryError && error.outcomeUnknown;
  }

  private async pushTo(
    subscription: PushSubscription,
    payload: Buffer,
    dispatch: PushDispatch,
    callSignal: AbortSignal,
  ): Promise<SubscriptionOutcome & { at: Date }> {
    const { endpoint } = subscription;
    const failed = (failure: ProviderFailure) => ({
      endpoint,
      outcome: 'failed' as const,
      failure,
      at: this.now(),
    });

    const check = await this.options.endpointGuard.check(endpoint);
    if (!check.allowed) return failed({ kind: 'permanent', code: 'endpoint-refused', reason: check.problem });

    let request: ReturnType<typeof generateRequestDetails>;
    try {
      request = generateRequestDetails(subscription, payload, {
        TTL: dispatch.ttlSeconds,
        urgency: dispatch.urgency,
        contentEncoding: 'aes128gcm',
        // null (the types only say undefined) keeps a process-wide setVapidDetails from signing
        // every request: the token comes from the cache below.
        vapidDetails: null as unknown as RequestOptions['vapidDetails'],
      });
    } catch (error) {
      // web-push refuses keys of the wrong length or off the curve; the subscription is unusable.
      return failed({ kind: 'permanent', code: 'invalid-subscription', reason: (error as Error).message });
    }
    const headers = {
      ...request.headers,
      Authorization: this.options.vapid.authorizationFor(new URL(endpoint).origin),
    } as Record<string, string | number>;

    const signal = AbortSignal.any([callSignal, AbortSignal.timeout(this.options.requestTimeoutMs)]);
    try {
      const answer = await this.post(
        { endpoint, headers, body: request.body },
        { signal, ...(check.connectTo ? { connectTo: check.connectTo } : {}) },
      );
      if (answer.statusCode >= 200 && answer.statusCode < 300) {
        const location = answer.headers.location;
        return { endpoint, outcome: 'accepted', ...(location ? { location } : {}), at: this.now() };
      }
      return failed(classifyPushResponse(answer.statusCode, answer.body, answer.headers));
    } catch (error) {
      return failed(this.requestFailure(error, signal));
    }
  }

  private requestFailure(error: unknown, callSignal: AbortSignal): ProviderFailure {
    const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
    const causes = [record, record.cause, callSignal.aborted ? callSignal.reason : undefined];
    if (causes.some((cause) => (cause as { name?: unknown } | undefined)?.name === 'TimeoutError')) {
      return {
        kind: 'transient',
        code: 'timeout',
        reason: `the push service did not answer within ${this.options.requestTimeoutMs} ms`,
      };
    }
    if (callSignal.aborted) {
      return {
        kind: 'transient',
        code: 'aborted',
        reason: 'the sender gave up on the call before the push service answered',
      };
    }
    const message = maskPersonalData(typeof record.message === 'string' ? record.message : String(error));
    const code = typeof record.code === 'string' && NETWORK_CODES.has(record.code) ? record.code : 'network';
    return { kind: 'transient', code, reason: message };
  }

  private async reportGone(
    dispatch: PushDispatch,
    outcomes: ReadonlyArray<SubscriptionOutcome & { at: Date }>,
  ) {
    const gone = outcomes.flatMap((outcome) =>
      outcome.outcome === 'failed' && outcome.failure.code === SUBSCRIPTION_GONE
        ? [{ endpoint: outcome.endpoint, reason: outcome.failure.reason, at: outcome.at }]
        : [],
    );
    if (gone.length === 0 || !this.options.reportGoneSubscriptions) return;
    try {
      await this.options.reportGoneSubscriptions(dispatch, gone);
    } catch (error) {
      // Not worth failing a push that reached other devices: a gone subscription answers 410 again
      // at the next push and is reported then.
      this.logger.warn({
        message: 'could not report gone push subscriptions',
        tenantId: dispatch.tenantId,
        messageId: dispatch.messageId,
        gone: gone.length,
        error: (error as Error).message,
      });
    }
  }
}
