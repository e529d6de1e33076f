import { Module, type Type } from '@nestjs/common';
import { SmsChannelTopics } from '@switchboard/contracts';
import { ChannelSenderModule } from '@switchboard/sender-kit';
import type { SenderSmsConfig } from './config';
import { CreateSenderSmsDeliveries1795600000000 } from './migrations/1795600000000-create-sender-sms-deliveries';
import { createSmsSender, SENDER_SMS_SCHEMA } from './sending/sms-sender.factory';

/** The SMS sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderSmsConfig): Type<unknown> {
  @Module({
    imports: [
      ChannelSenderModule.forService({
        service: 'sender-sms',
        config,
        database: { schema: SENDER_SMS_SCHEMA, migrations: [CreateSenderSmsDeliveries1795600000000] },
        channelTopics: SmsChannelTopics,
        createSender: (kafka, publisher, query) => createSmsSender(kafka, publisher, query, config),
      }),
    ],
  })
  class SenderSmsModule {}
  return SenderSmsModule;
}
