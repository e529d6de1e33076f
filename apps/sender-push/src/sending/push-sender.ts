import {
  DeliveryEventTopic,
  PushChannelTopics,
  recipientKey,
  type PushDispatch,
} from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import { BlindIndex } from '@switchboard/encryption';
import type { EventPublisher } from '@switchboard/messaging';
import { ChannelSender, DeliveryLedgerRepository, providerRoutes } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
import type { SenderPushConfig } from '../config';
import { PushEndpointGuard } from '../push/push-endpoint-guard';
import { VapidAuthorizationCache } from '../push/vapid-authorization-cache';
import { WebPushProvider } from '../push/web-push-provider';
import { goneSubscriptionEvents, SENDER_PUSH } from './gone-subscription-events';

export const SENDER_PUSH_SCHEMA = 'sender_push';

// The runtime's own deadline for a whole provider call, which pushes to every subscription at once:
// one push service's timeout plus room for the DNS lookups before it.
const DNS_AND_ENCRYPTION_ALLOWANCE_MS = 5_000;

/** The web push provider from the config, reporting gone subscriptions on the delivery events topic. */
export function createWebPushProvider(config: SenderPushConfig, publisher: EventPublisher): WebPushProvider {
  // The same key as the router's, so that it finds the gone subscription by the reported index.
  const blindIndex = new BlindIndex(config.BLIND_INDEX_KEY);
  const provider: WebPushProvider = new WebPushProvider({
    vapid: new VapidAuthorizationCache({
      keys: {
        subject: config.VAPID_SUBJECT,
        publicKey: config.VAPID_PUBLIC_KEY,
        privateKey: config.VAPID_PRIVATE_KEY,
      },
    }),
    endpointGuard: new PushEndpointGuard({ sandboxOrigins: config.PUSH_SANDBOX_ORIGINS ?? [] }),
    requestTimeoutMs: config.PUSH_REQUEST_TIMEOUT,
    reportGoneSubscriptions: (dispatch, gone) =>
      publisher.publishMany(
        DeliveryEventTopic.topic,
        goneSubscriptionEvents(dispatch, provider.name, gone, blindIndex),
      ),
  });
  return provider;
}

/** The push channel on the shared sender runtime: lanes, retry topics, ledger, rate limit, breaker. */
export function createPushSender(
  kafka: Kafka,
  publisher: EventPublisher,
  query: SqlQuery,
  config: SenderPushConfig,
): ChannelSender<PushDispatch> {
  const provider = createWebPushProvider(config, publisher);
  return new ChannelSender<PushDispatch>(kafka, publisher, {
    channel: 'push',
    source: SENDER_PUSH,
    topics: PushChannelTopics,
    routes: providerRoutes([provider], {
      channel: 'push',
      query,
      schema: SENDER_PUSH_SCHEMA,
      defaultRateLimit: { ratePerSecond: config.PUSH_RATE_PER_SECOND, burst: config.PUSH_RATE_BURST },
    }),
    ledger: new DeliveryLedgerRepository({ query, schema: SENDER_PUSH_SCHEMA, channel: 'push' }),
    retryPolicy: { maxAttempts: config.PUSH_MAX_ATTEMPTS },
    recipientOf: (dispatch) => recipientKey(dispatch.tenantId, dispatch.recipientId),
    laneConcurrency: {
      high: config.PUSH_CONCURRENCY_HIGH,
      normal: config.PUSH_CONCURRENCY_NORMAL,
      bulk: config.PUSH_CONCURRENCY_BULK,
    },
    sendTimeoutMs: config.PUSH_REQUEST_TIMEOUT + DNS_AND_ENCRYPTION_ALLOWANCE_MS,
  });
}
