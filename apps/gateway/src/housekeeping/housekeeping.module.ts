import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { IdempotencyStore } from '../idempotency/idempotency-record';
import { MessagesModule } from '../messages/messages.module';
import { AcceptedMessageLogRepository } from '../messages/accepted-message-log.repository';
import { ReceivedSnsMessageRepository } from '../receipts/received-sns-message.repository';
import { ReceiptsModule } from '../receipts/receipts.module';
import { RECEIVED_SNS_MESSAGE_RETENTION_MS } from '../receipts/sns-message-verification';
import { HousekeepingService, HousekeepingSettings } from './housekeeping.service';
import { PurgeExpiredRecords } from './purge-expired-records.usecase';

// Expired keys do no harm while they wait (a lookup treats them as absent); this only bounds the table.
const PURGE_INTERVAL_MS = 5 * 60_000;

@Module({
  imports: [IdempotencyModule, MessagesModule, ReceiptsModule],
  providers: [
    {
      provide: PurgeExpiredRecords,
      useFactory: (
        store: IdempotencyStore,
        acceptedMessages: AcceptedMessageLogRepository,
        receivedSnsMessages: ReceivedSnsMessageRepository,
        config: GatewayConfig,
      ) =>
        new PurgeExpiredRecords(
          store,
          acceptedMessages,
          config.ACCEPTED_MESSAGE_RETENTION,
          receivedSnsMessages,
          RECEIVED_SNS_MESSAGE_RETENTION_MS,
        ),
      inject: [IdempotencyStore, AcceptedMessageLogRepository, ReceivedSnsMessageRepository, GATEWAY_CONFIG],
    },
    { provide: HousekeepingSettings, useValue: { intervalMs: PURGE_INTERVAL_MS } },
    HousekeepingService,
  ],
})
export class HousekeepingModule {}
