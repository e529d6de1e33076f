import { Module } from '@nestjs/common';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { EventPublisher, KAFKA, RecipientErasureConsumer } from '@switchboard/messaging';
import { RetentionPolicy, RetentionSweeper } from '@switchboard/persistence';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { INGEST_CONFIG, type IngestConfig } from '../config';
import { EraseRecipientInIngest } from './erase-recipient.usecase';

/** Erasure of recipients (GDPR/CCPA) and retention of accepted messages, in ingest's tables. */
@Module({
  providers: [
    {
      provide: RecipientErasureConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        dataSource: DataSource,
        config: IngestConfig,
        encryption: Encryption,
      ) =>
        new RecipientErasureConsumer(
          kafka,
          publisher,
          // The recipient's data key, which their messages' values are sealed with, is destroyed.
          new EraseRecipientInIngest(dataSource, publisher, encryption.keys),
          { service: 'ingest', maxAttempts: config.INGEST_MAX_ATTEMPTS },
        ),
      inject: [KAFKA, EventPublisher, DataSource, INGEST_CONFIG, ENCRYPTION],
    },
    {
      provide: RetentionSweeper,
      useFactory: (dataSource: DataSource, config: IngestConfig) =>
        new RetentionSweeper({
          query: (sql, params) => dataSource.query(sql, params),
          policy: RetentionPolicy.fromConfig(config),
          tables: [{ table: 'ingest.messages', tenantColumn: 'tenant_id', timeColumn: 'accepted_at' }],
          intervalMs: config.RETENTION_SWEEP_INTERVAL,
        }),
      inject: [DataSource, INGEST_CONFIG],
    },
  ],
})
export class PrivacyModule {}
