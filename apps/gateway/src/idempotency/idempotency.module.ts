import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../gateway-config.module';
import { ExecuteIdempotentRequest } from './execute-idempotent-request.usecase';
import { IdempotencyStore } from './idempotency-record';
import { IdempotentReply } from './idempotent-reply';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

const POLL_INTERVAL_MS = 50;
// Longer than any request can take (publish and database deadlines included).
const ABANDONED_AFTER_MS = 60_000;

@Module({
  providers: [
    {
      provide: IdempotencyStore,
      useFactory: (dataSource: DataSource) => new PostgresIdempotencyStore(dataSource),
      inject: [DataSource],
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
