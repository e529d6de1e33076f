import { Module } from '@nestjs/common';
import { EventPublisher, KAFKA } from '@switchboard/messaging';
import { RetentionPolicy, RetentionSweeper } from '@switchboard/persistence';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../config';
import { ErasedHistoryConsumer } from './erased-history.consumer';
import { ScrubErasedHistory } from './scrub-erased-history.usecase';

/** Tables of message history analytics purges past each tenant's retention period. */
export const ANALYTICS_RETAINED_TABLES = [
  { table: 'analytics.delivery_events', tenantColumn: 'tenant_id', timeColumn: 'occurred_at' },
  { table: 'analytics.message_status', tenantColumn: 'tenant_id', timeColumn: 'updated_at' },
  // Parked records hold whole payloads; one past the period is also past any use for a redrive.
  { table: 'analytics.dead_letters', tenantColumn: 'tenant_id', timeColumn: 'parked_at' },
];

/**
 * Erasure (GDPR/CCPA): the history of an erased person's messages loses its personal fields.
 * Retention: message history past the tenant's period is purged. Counters and rollups stay.
 */
@Module({
  providers: [
    {
      provide: ErasedHistoryConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        dataSource: DataSource,
        config: AnalyticsConfig,
      ) =>
        new ErasedHistoryConsumer(
          kafka,
          publisher,
          new ScrubErasedHistory(dataSource, publisher),
          config.ANALYTICS_MAX_ATTEMPTS,
        ),
      inject: [KAFKA, EventPublisher, DataSource, ANALYTICS_CONFIG],
    },
    {
      provide: RetentionSweeper,
      useFactory: (dataSource: DataSource, config: AnalyticsConfig) =>
        new RetentionSweeper({
          query: (sql, params) => dataSource.query(sql, params),
          policy: RetentionPolicy.fromConfig(config),
          tables: ANALYTICS_RETAINED_TABLES,
          intervalMs: config.RETENTION_SWEEP_INTERVAL,
        }),
      inject: [DataSource, ANALYTICS_CONFIG],
    },
  ],
})
export class PrivacyModule {}
