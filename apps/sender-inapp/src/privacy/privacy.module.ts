import { Module } from '@nestjs/common';
import { EventPublisher, KAFKA, RecipientErasureConsumer } from '@switchboard/messaging';
import { RetentionPolicy, RetentionSweeper } from '@switchboard/persistence';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SENDER_INAPP_CONFIG, type SenderInappConfig } from '../config';
import { InboxItemEncryption } from '../inbox/inbox-item-encryption';
import { EraseRecipientInInbox } from './erase-recipient.usecase';

/** Erasure of recipients (GDPR/CCPA) and retention of inbox items. */
@Module({
  providers: [
    {
      provide: RecipientErasureConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        dataSource: DataSource,
        config: SenderInappConfig,
        encryption: InboxItemEncryption,
      ) =>
        new RecipientErasureConsumer(kafka, publisher, new EraseRecipientInInbox(dataSource, encryption), {
          service: 'sender-inapp',
          maxAttempts: config.INAPP_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, DataSource, SENDER_INAPP_CONFIG, InboxItemEncryption],
    },
    {
      provide: RetentionSweeper,
      useFactory: (dataSource: DataSource, config: SenderInappConfig) =>
        new RetentionSweeper({
          query: (sql, params) => dataSource.query(sql, params),
          policy: RetentionPolicy.fromConfig(config),
          tables: [
            { table: 'sender_inapp.inbox_items', tenantColumn: 'tenant_id', timeColumn: 'created_at' },
          ],
          intervalMs: config.RETENTION_SWEEP_INTERVAL,
        }),
      inject: [DataSource, SENDER_INAPP_CONFIG],
    },
  ],
})
export class PrivacyModule {}
