import { Module } from '@nestjs/common';
import { BlindIndex } from '@switchboard/encryption';
import { EventPublisher, KAFKA, RecipientErasureConsumer } from '@switchboard/messaging';
import { RetentionPolicy, RetentionSweeper } from '@switchboard/persistence';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { RecipientStore } from '../recipients/recipient';
import { RecipientEncryption } from '../recipients/recipient-encryption';
import { EraseRecipientInRouter } from './erase-recipient.usecase';

/** Tables of message history the router purges past each tenant's retention period. */
export const ROUTER_RETAINED_TABLES = [
  { table: 'router.decisions', tenantColumn: 'tenant_id', timeColumn: 'decided_at' },
  { table: 'router.reroutes', tenantColumn: 'tenant_id', timeColumn: 'rerouted_at' },
  { table: 'router.cancellations', tenantColumn: 'tenant_id', timeColumn: 'cancelled_at' },
  // A waiting message is never purged: only once it was released or cancelled.
  {
    table: 'router.schedules',
    tenantColumn: 'tenant_id',
    timeColumn: 'due_at',
    onlyWhere: 'released_at IS NOT NULL OR cancelled_at IS NOT NULL',
  },
];

/** Erasure of recipients (GDPR/CCPA) and retention of message history, in the router's tables. */
@Module({
  providers: [
    {
      provide: RecipientErasureConsumer,
      // RecipientStore comes from the global RecipientsModule.
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        dataSource: DataSource,
        recipients: RecipientStore,
        config: RouterConfig,
        encryption: RecipientEncryption,
      ) =>
        new RecipientErasureConsumer(
          kafka,
          publisher,
          // The recipient's data key is destroyed (crypto-shredding) and dropped from the router's
          // one key cache, which seals recipients, decisions and schedules alike, at once.
          new EraseRecipientInRouter(
            dataSource,
            recipients,
            config.BLIND_INDEX_KEY && new BlindIndex(config.BLIND_INDEX_KEY),
            encryption,
          ),
          { service: 'router', maxAttempts: config.ROUTER_MAX_ATTEMPTS },
        ),
      inject: [KAFKA, EventPublisher, DataSource, RecipientStore, ROUTER_CONFIG, RecipientEncryption],
    },
    {
      provide: RetentionSweeper,
      useFactory: (dataSource: DataSource, config: RouterConfig) =>
        new RetentionSweeper({
          query: (sql, params) => dataSource.query(sql, params),
          policy: RetentionPolicy.fromConfig(config),
          tables: ROUTER_RETAINED_TABLES,
          intervalMs: config.RETENTION_SWEEP_INTERVAL,
        }),
      inject: [DataSource, ROUTER_CONFIG],
    },
  ],
})
export class PrivacyModule {}
