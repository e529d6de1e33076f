import { Module, type Type } from '@nestjs/common';
import { EmailChannelTopics, EmailReceiptTopic } from '@switchboard/contracts';
import { ChannelSenderModule } from '@switchboard/sender-kit';
import { ConfigModule } from '@switchboard/service-kit';
import { SENDER_EMAIL_CONFIG, type SenderEmailConfig } from './config';
import { CreateSenderEmailDeliveries1795595431377 } from './migrations/1795595431377-create-sender-email-deliveries';
import { IndexSenderEmailProviderMessageId1795700000000 } from './migrations/1795700000000-index-sender-email-provider-message-id';
import { MoveSenderEmailDeliveriesToSenderKit1795800000000 } from './migrations/1795800000000-move-sender-email-deliveries-to-sender-kit';
import { ReceiptsModule, ReceiptsReadiness } from './receipts/receipts.module';
import { SENDER_EMAIL, SENDER_EMAIL_SCHEMA } from './sender-email-names';
import { createEmailSender } from './sending/email-sender.factory';

/** The email sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderEmailConfig): Type<unknown> {
  @Module({
    imports: [
      ChannelSenderModule.forService({
        service: SENDER_EMAIL,
        config,
        database: {
          schema: SENDER_EMAIL_SCHEMA,
          migrations: [
            CreateSenderEmailDeliveries1795595431377,
            IndexSenderEmailProviderMessageId1795700000000,
            MoveSenderEmailDeliveriesToSenderKit1795800000000,
          ],
        },
        channelTopics: EmailChannelTopics,
        otherTopics: [EmailReceiptTopic],
        createSender: (kafka, publisher, query) => createEmailSender(kafka, publisher, query, config),
        // The receipts consumer, with the config it reads.
        imports: [ConfigModule.forRoot(SENDER_EMAIL_CONFIG, config), ReceiptsModule],
        readiness: [ReceiptsReadiness],
      }),
    ],
  })
  class SenderEmailModule {}
  return SenderEmailModule;
}
