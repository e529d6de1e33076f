import { Global, Module } from '@nestjs/common';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { CreateMessageType } from '../message-types/create-message-type.usecase';
import { GetMessageType } from '../message-types/get-message-type.usecase';
import { ListMessageTypes } from '../message-types/list-message-types.usecase';
import { MessageTypeStore } from '../message-types/message-type';
import { MessageTypesController } from '../message-types/message-types.controller';
import { MessageTypeRepository } from '../message-types/message-type.repository';
import { PutMessageType } from '../message-types/put-message-type.usecase';
import { GetSendingSettings } from './get-sending-settings.usecase';
import { SendingSettingsRepository } from './sending-settings.repository';
import { PutSendingSettings } from './put-sending-settings.usecase';
import { SendingPolicySource } from './sending-policy-source';
import { SendingSettingsStore } from './sending-settings';
import { SendingSettingsController } from './sending-settings.controller';

/**
 * Message types and sending settings: their internal API, and the cached source routing reads
 * them from. One module, because every write must reach the same source to invalidate it.
 * Global so that routing and the schedule release inject the source without importing this.
 */
@Global()
@Module({
  controllers: [MessageTypesController, SendingSettingsController],
  providers: [
    MessageTypeRepository,
    { provide: MessageTypeStore, useExisting: MessageTypeRepository },
    SendingSettingsRepository,
    { provide: SendingSettingsStore, useExisting: SendingSettingsRepository },
    {
      provide: SendingPolicySource,
      useFactory: (types: MessageTypeStore, settings: SendingSettingsStore, config: RouterConfig) =>
        new SendingPolicySource(types, settings, config.ROUTER_POLICY_CACHE_TTL),
      inject: [MessageTypeStore, SendingSettingsStore, ROUTER_CONFIG],
    },
    {
      provide: CreateMessageType,
      useFactory: (store: MessageTypeStore, source: SendingPolicySource) =>
        new CreateMessageType(store, source),
      inject: [MessageTypeStore, SendingPolicySource],
    },
    {
      provide: PutMessageType,
      useFactory: (store: MessageTypeStore, source: SendingPolicySource) => new PutMessageType(store, source),
      inject: [MessageTypeStore, SendingPolicySource],
    },
    {
      provide: GetMessageType,
      useFactory: (store: MessageTypeStore) => new GetMessageType(store),
      inject: [MessageTypeStore],
    },
    {
      provide: ListMessageTypes,
      useFactory: (store: MessageTypeStore) => new ListMessageTypes(store),
      inject: [MessageTypeStore],
    },
    {
      provide: GetSendingSettings,
      useFactory: (store: SendingSettingsStore) => new GetSendingSettings(store),
      inject: [SendingSettingsStore],
    },
    {
      provide: PutSendingSettings,
      useFactory: (store: SendingSettingsStore, types: MessageTypeStore, source: SendingPolicySource) =>
        new PutSendingSettings(store, types, source),
      inject: [SendingSettingsStore, MessageTypeStore, SendingPolicySource],
    },
  ],
  exports: [SendingPolicySource],
})
export class SendingPolicyModule {}
