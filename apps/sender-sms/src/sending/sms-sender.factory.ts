import { SNSClient } from '@aws-sdk/client-sns';
import { recipientKey, SmsChannelTopics, type SmsDispatch } from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import type { EventPublisher } from '@switchboard/messaging';
import { awsClientConfig, ChannelSender, configuredChannelSenderOptions } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
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
  query: SqlQuery,
  config: SenderSmsConfig,
): ChannelSender<SmsDispatch> {
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
