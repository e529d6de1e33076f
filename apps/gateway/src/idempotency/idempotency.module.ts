import { Module } from '@nestjs/common';
import { createEncryption, ensureEncryptionKeyTables, type SqlQuery } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../gateway-config.module';
import { ExecuteIdempotentRequest } from './execute-idempotent-request.usecase';
import { IdempotencyEncryption } from './idempotency-encryption';
import { IdempotencyStore } from './idempotency-record';
import { IdempotentReply } from './idempotent-reply';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

const POLL_INTERVAL_MS = 50;
// Longer than any request can take (publish and database deadlines included).
const ABANDONED_AFTER_MS = 60_000;

/** Rows of a statement; TypeORM answers an UPDATE or DELETE with [rows, count] instead. */
function sqlQueryOf(dataSource: DataSource): SqlQuery {
  return async (sql, params) => {
    const result: unknown = await dataSource.query(sql, params);
    if (
      Array.isArray(result) &&
      result.length === 2 &&
      Array.isArray(result[0]) &&
      typeof result[1] === 'number'
    ) {
      return result[0] as Record<string, unknown>[];
    }
    return Array.isArray(result) ? (result as Record<string, unknown>[]) : [];
  };
}

@Module({
  providers: [
    {
      provide: IdempotencyEncryption,
      // The key tables are shared by every service (ENCRYPTION_SCHEMA): no service's migrations own
      // them, so each makes sure they exist before its first key lookup.
      useFactory: async (config: GatewayConfig, dataSource: DataSource) => {
        const query = sqlQueryOf(dataSource);
        await ensureEncryptionKeyTables(query, config.ENCRYPTION_SCHEMA);
        const { encryptor, blindIndex } = createEncryption(config, { query });
        return new IdempotencyEncryption(encryptor, blindIndex);
      },
      inject: [GATEWAY_CONFIG, DataSource],
    },
    {
      provide: IdempotencyStore,
      useFactory: (dataSource: DataSource, encryption: IdempotencyEncryption) =>
        new PostgresIdempotencyStore(dataSource, encryption),
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
