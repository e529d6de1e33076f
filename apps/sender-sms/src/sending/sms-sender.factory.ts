import { SNSClient } from '@aws-sdk/client-sns';
import { recipientKey, SmsChannelTopics, type SmsDispatch } from '@switchboard/contracts';
import type { EventPublisher } from '@switchboard/messaging';
import { awsClientConfig, ChannelSender, configuredChannelSenderOptions } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { SenderSmsConfig } from '../config';
import { SnsSmsProvider } from './sns-sms-provider';

export const SENDER_SMS_SCHEMA = 'sender_sms';

/** One SNS provider per configured entry, in order of preference. */
export function snsProviders(config: SenderSmsConfig): SnsSmsProvider[] {
  return config.SMS_PROVIDERS.map(
    (provider) =>
      new SnsSmsProvider(
        provider.name,
        new SNSClient(
          awsClientConfig({
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
    source: 'sender-sms',
    topics: SmsChannelTopics,
    recipientOf: (dispatch) => recipientKey(dispatch.tenantId, dispatch.to),
    ...configuredChannelSenderOptions('SMS', config, {
      channel: 'sms',
      providers: snsProviders(config),
      query,
      schema: SENDER_SMS_SCHEMA,
    }),
  });
}
