import { Module } from '@nestjs/common';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ExecuteIdempotentRequest } from './execute-idempotent-request.usecase';
import { IdempotencyEncryption } from './idempotency-encryption';
import { IdempotencyStore } from './idempotency-record';
import { IdempotentReply } from './idempotent-reply';
import { IdempotencyRepository } from './idempotency.repository';

const POLL_INTERVAL_MS = 50;
// Longer than any request can take (publish and database deadlines included).
const ABANDONED_AFTER_MS = 60_000;

@Module({
  providers: [
    {
      provide: IdempotencyEncryption,
      // The gateway's one Encryption: its key cache also seals the requests it publishes.
      useFactory: ({ encryptor, blindIndex }: Encryption) => new IdempotencyEncryption(encryptor, blindIndex),
      inject: [ENCRYPTION],
    },
    {
      provide: IdempotencyStore,
      useFactory: (dataSource: DataSource, encryption: IdempotencyEncryption) =>
        new IdempotencyRepository(dataSource, encryption),
      inject: [DataSource, IdempotencyEncryption],
    },
    {
      provide: ExecuteIdempotentRequest,
      useFactory: (store: IdempotencyStore, config: GatewayConfig) =>
        new ExecuteIdempotentRequest(store, {
          ttlMs: config.IDEMPOTENCY_TTL,
          waitMs: config.IDEMPOTENCY_WAIT_TIMEOUT,
          pollIntervalMs: POLL_INTERVAL_MS,
          abandonedAfterMs: ABANDONED_AFTER_MS,
        }),
      inject: [IdempotencyStore, GATEWAY_CONFIG],
    },
    IdempotentReply,
  ],
  exports: [IdempotentReply, IdempotencyStore],
})
export class IdempotencyModule {}
