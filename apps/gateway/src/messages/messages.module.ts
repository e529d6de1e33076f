import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module';
import { SendingSettingsModule } from '../sending-settings/sending-settings.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { AnalyticsMessageStatusSource } from './analytics-message-status-source';
import { GetMessageStatus } from './get-message-status.usecase';
import { KafkaMessageRequestPublisher } from './kafka-message-request-publisher';
import { AcceptedMessageLog, MessageRequestPublisher, MessageStatusSource } from './message-ports';
import { MessagesController } from './messages.controller';
import { AcceptedMessageLogRepository } from './accepted-message-log.repository';
import { RouterMessageClient } from './router-message-client';
import { SendMessageBatch } from './send-message-batch.usecase';
import { SendMessage } from './send-message.usecase';

@Module({
  imports: [AuthModule, IdempotencyModule, SendingSettingsModule],
  controllers: [MessagesController],
  providers: [
    {
      provide: MessageRequestPublisher,
      useFactory: (events: EventPublisher, config: GatewayConfig) =>
        new KafkaMessageRequestPublisher(events, config.PUBLISH_TIMEOUT),
      inject: [EventPublisher, GATEWAY_CONFIG],
    },
    {
      provide: AcceptedMessageLogRepository,
      useFactory: (dataSource: DataSource, config: GatewayConfig) =>
        new AcceptedMessageLogRepository(dataSource, config.ACCEPT_RECORD_TIMEOUT),
      inject: [DataSource, GATEWAY_CONFIG],
    },
    { provide: AcceptedMessageLog, useExisting: AcceptedMessageLogRepository },
    {
      provide: MessageStatusSource,
      useFactory: (config: GatewayConfig) =>
        new AnalyticsMessageStatusSource(internalServiceClient(config, 'analytics')),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: RouterMessageClient,
      useFactory: (config: GatewayConfig) => new RouterMessageClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: SendMessage,
      useFactory: (publisher: MessageRequestPublisher, log: AcceptedMessageLog) =>
        new SendMessage(publisher, log),
      inject: [MessageRequestPublisher, AcceptedMessageLog],
    },
    {
      provide: SendMessageBatch,
      useFactory: (publisher: MessageRequestPublisher, log: AcceptedMessageLog) =>
        new SendMessageBatch(publisher, log),
      inject: [MessageRequestPublisher, AcceptedMessageLog],
    },
    {
      provide: GetMessageStatus,
      useFactory: (analytics: MessageStatusSource, log: AcceptedMessageLog) =>
        new GetMessageStatus(analytics, log),
      inject: [MessageStatusSource, AcceptedMessageLog],
    },
  ],
  exports: [AcceptedMessageLogRepository],
})
export class MessagesModule {}
