import { Module } from '@nestjs/common';
import { EventPublisher, KAFKA } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import { AuthModule } from '../auth/auth.module';
import { ErasureConfirmationsConsumer } from './erasure-confirmations.consumer';
import { ErasureRepository } from './erasure.repository';
import { ErasuresController } from './erasures.controller';
import { GetErasure } from './get-erasure.usecase';
import { RequestErasure } from './request-erasure.usecase';

// Confirmations are rows in a bulk insert; a failure here is the database's, retried in place.
const CONFIRMATION_MAX_ATTEMPTS = 5;

/** Erasure of a recipient (GDPR/CCPA): asked through DELETE /v1/recipients/{id}?erase=true, followed here. */
@Module({
  imports: [AuthModule],
  controllers: [ErasuresController],
  providers: [
    ErasureRepository,
    {
      provide: RequestErasure,
      useFactory: (store: ErasureRepository, publisher: EventPublisher) =>
        new RequestErasure(store, publisher),
      inject: [ErasureRepository, EventPublisher],
    },
    {
      provide: GetErasure,
      useFactory: (store: ErasureRepository) => new GetErasure(store),
      inject: [ErasureRepository],
    },
    {
      provide: ErasureConfirmationsConsumer,
      useFactory: (kafka: Kafka, publisher: EventPublisher, store: ErasureRepository) =>
        new ErasureConfirmationsConsumer(kafka, publisher, store, CONFIRMATION_MAX_ATTEMPTS),
      inject: [KAFKA, EventPublisher, ErasureRepository],
    },
  ],
  exports: [RequestErasure],
})
export class ErasuresModule {}
