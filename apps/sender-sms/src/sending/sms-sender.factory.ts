import { SNSClient } from '@aws-sdk/client-sns';
import { recipientKey, SmsChannelTopics, type SmsDispatch } from '@switchboard/contracts';
import type { EventPublisher } from '@switchboard/messaging';
import { ChannelSender, PostgresDeliveryLedger, providerRoutes } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { SenderSmsConfig } from '../config';
import { snsClientConfig } from './sns-client-config';
import { SnsSmsProvider } from './sns-sms-provider';

export const SENDER_SMS_SCHEMA = 'sender_sms';

/** One SNS provider per configured entry, in order of preference. */
export function snsProviders(config: SenderSmsConfig): SnsSmsProvider[] {
  return config.SMS_PROVIDERS.map(
    (provider) =>
      new SnsSmsProvider(
        provider.name,
        new SNSClient(
          snsClientConfig({
            region: provider.region,
            endpoint: provider.endpoint ?? config.SNS_ENDPOINT,
            accessKeyId: config.AWS_ACCESS_KEY_ID,
            secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
          }),
        ),
      ),
  );
}

export function createSmsSender(
  kafka: Kafka,
  publisher: EventPublisher,
  dataSource: DataSource,
  config: SenderSmsConfig,
): ChannelSender<SmsDispatch> {
  const query = (sql: string, params: unknown[]) => dataSource.query(sql, params);
  return new ChannelSender<SmsDispatch>(kafka, publisher, {
    channel: 'sms',
    source: 'sender-sms',
    topics: SmsChannelTopics,
    routes: providerRoutes(snsProviders(config), {
      channel: 'sms',
      query,
      schema: SENDER_SMS_SCHEMA,
      defaultRateLimit: { ratePerSecond: config.SMS_RATE_PER_SECOND, burst: config.SMS_RATE_BURST },
      rateLimits: Object.fromEntries(
        (config.SMS_RATE_LIMITS ?? []).map(({ name, ...limit }) => [name, limit]),
      ),
      breaker: {
        consecutiveFailuresToOpen: config.SMS_CIRCUIT_FAILURES_TO_OPEN,
        openForMs: config.SMS_CIRCUIT_OPEN_FOR,
        // Failures in a row decide; a failure rate would let a few unlucky calls open it.
        failureRateToOpen: 1,
      },
    }),
    ledger: new PostgresDeliveryLedger({ query, schema: SENDER_SMS_SCHEMA, channel: 'sms' }),
    retryPolicy: {
      maxAttempts: config.SMS_MAX_ATTEMPTS,
      baseDelayMs: config.SMS_RETRY_BASE_DELAY,
      maxDelayMs: Math.max(config.SMS_RETRY_MAX_DELAY, config.SMS_RETRY_BASE_DELAY),
      maxAgeMs: config.SMS_RETRY_MAX_AGE,
    },
    recipientOf: (dispatch) => recipientKey(dispatch.tenantId, dispatch.to),
    laneConcurrency: {
      high: config.SMS_CONCURRENCY_HIGH,
      normal: config.SMS_CONCURRENCY_NORMAL,
      bulk: config.SMS_CONCURRENCY_BULK,
    },
    retryConcurrency: config.SMS_RETRY_CONCURRENCY,
    sendTimeoutMs: config.SMS_SEND_TIMEOUT,
  });
}
