import { Module, type Type } from '@nestjs/common';
import { PushChannelTopics } from '@switchboard/contracts';
import { ChannelSenderModule } from '@switchboard/sender-kit';
import type { SenderPushConfig } from './config';
import { CreateSenderPushDeliveries1795605126000 } from './migrations/1795605126000-create-sender-push-deliveries';
import { createPushSender, SENDER_PUSH_SCHEMA } from './sending/push-sender';

/** The push sender's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: SenderPushConfig): Type<unknown> {
  @Module({
    imports: [
      ChannelSenderModule.forService({
        service: 'sender-push',
        config,
        database: { schema: SENDER_PUSH_SCHEMA, migrations: [CreateSenderPushDeliveries1795605126000] },
        channelTopics: PushChannelTopics,
        createSender: (kafka, publisher, query) => createPushSender(kafka, publisher, query, config),
      }),
    ],
  })
  class SenderPushModule {}
  return SenderPushModule;
}
