import { SESClient } from '@aws-sdk/client-ses';
import { EmailChannelTopics, recipientKey, type EmailDispatch } from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import type { EventPublisher } from '@switchboard/messaging';
import { awsClientConfig, ChannelSender, configuredChannelSenderOptions } from '@switchboard/sender-kit';
import type { Kafka } from 'kafkajs';
import { sesProviderSettings, type SenderEmailConfig } from '../config';
import { SENDER_EMAIL, SENDER_EMAIL_SCHEMA } from '../sender-email-names';
import { SesEmailProvider } from './ses-email-provider';
import { SesV2EmailApi } from './ses-v2-email-api';

/** One SES provider per configured entry, in order of preference. */
export function sesProviders(config: SenderEmailConfig): SesEmailProvider[] {
  return sesProviderSettings(config).map((provider) => {
    const endpoint = provider.endpoint ?? config.SES_ENDPOINT;
    const client = new SESClient(
      awsClientConfig({
        region: provider.region,
        endpoint,
        accessKeyId: config.AWS_ACCESS_KEY_ID,
        secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
      }),
    );
    return new SesEmailProvider(
      provider.name,
      client,
      config.EMAIL_FROM,
      new SesV2EmailApi(client, endpoint),
    );
  });
}

/** The email channel on the shared sender runtime: lanes, retry topics, ledger, rate limits, breakers. */
export function createEmailSender(
  kafka: Kafka,
  publisher: EventPublisher,
  query: SqlQuery,
  config: SenderEmailConfig,
): ChannelSender<EmailDispatch> {
  return new ChannelSender<EmailDispatch>(kafka, publisher, {
    source: SENDER_EMAIL,
    topics: EmailChannelTopics,
    recipientOf: (dispatch) => recipientKey(dispatch.tenantId, dispatch.to),
    ...configuredChannelSenderOptions('EMAIL', config, {
      channel: 'email',
      providers: sesProviders(config),
      query,
      schema: SENDER_EMAIL_SCHEMA,
    }),
  });
}
