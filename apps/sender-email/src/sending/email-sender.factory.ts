import { SESClient } from '@aws-sdk/client-ses';
import { EmailChannelTopics, recipientKey, type EmailDispatch } from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import type { EventPublisher } from '@switchboard/messaging';
import { ChannelSender, configuredChannelSenderOptions } from '@switchboard/sender-kit';
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
