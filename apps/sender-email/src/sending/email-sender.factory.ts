import { SESClient } from '@aws-sdk/client-ses';
import { EmailChannelTopics, recipientKey, type EmailDispatch } from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import type { EventPublisher } from '@switchboard/messaging';
import { ChannelSender, PostgresDeliveryLedger, providerRoutes } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
import { sesProviderSettings, type SenderEmailConfig } from '../config';
import { SENDER_EMAIL, SENDER_EMAIL_SCHEMA } from '../sender-email-names';
import { sesClientConfig } from './ses-client-config';
import { SesEmailProvider } from './ses-email-provider';

/** One SES provider per configured entry, in order of preference. */
export function sesProviders(config: SenderEmailConfig): SesEmailProvider[] {
  return sesProviderSettings(config).map(
    (provider) =>
      new SesEmailProvider(
        provider.name,
        new SESClient(
          sesClientConfig({
            region: provider.region,
            endpoint: provider.endpoint ?? config.SES_ENDPOINT,
            accessKeyId: config.AWS_ACCESS_KEY_ID,
            secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
          }),
        ),
        config.EMAIL_FROM,
      ),
  );
}

/** The email channel on the shared sender runtime: lanes, retry topics, ledger, rate limits, breakers. */
export function createEmailSender(
  kafka: Kafka,
  publisher: EventPublisher,
  query: SqlQuery,
  config: SenderEmailConfig,
): ChannelSender<EmailDispatch> {
  return new ChannelSender<EmailDispatch>(kafka, publisher, {
    channel: 'email',
    source: SENDER_EMAIL,
    topics: EmailChannelTopics,
    routes: providerRoutes(sesProviders(config), {
      channel: 'email',
      query,
      schema: SENDER_EMAIL_SCHEMA,
      defaultRateLimit: { ratePerSecond: config.EMAIL_RATE_PER_SECOND, burst: config.EMAIL_RATE_BURST },
      rateLimits: Object.fromEntries(
        (config.EMAIL_RATE_LIMITS ?? []).map(({ name, ...limit }) => [name, limit]),
      ),
      breaker: {
        consecutiveFailuresToOpen: config.EMAIL_CIRCUIT_FAILURES_TO_OPEN,
        openForMs: config.EMAIL_CIRCUIT_OPEN_FOR,
        // Failures in a row decide; a failure rate would let a few unlucky calls open it.
        failureRateToOpen: 1,
      },
    }),
    ledger: new PostgresDeliveryLedger({ query, schema: SENDER_EMAIL_SCHEMA, channel: 'email' }),
    retryPolicy: {
      maxAttempts: config.EMAIL_MAX_ATTEMPTS,
      baseDelayMs: config.EMAIL_RETRY_BASE_DELAY,
      maxDelayMs: Math.max(config.EMAIL_RETRY_MAX_DELAY, config.EMAIL_RETRY_BASE_DELAY),
      maxAgeMs: config.EMAIL_RETRY_MAX_AGE,
    },
    recipientOf: (dispatch) => recipientKey(dispatch.tenantId, dispatch.to),
    laneConcurrency: {
      high: config.EMAIL_CONCURRENCY_HIGH,
      normal: config.EMAIL_CONCURRENCY_NORMAL,
      bulk: config.EMAIL_CONCURRENCY_BULK,
    },
    retryConcurrency: config.EMAIL_RETRY_CONCURRENCY,
    leaseMs: config.EMAIL_LEASE,
    sendTimeoutMs: config.EMAIL_SEND_TIMEOUT,
  });
}
