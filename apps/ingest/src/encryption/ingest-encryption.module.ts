import { Global, Module } from '@nestjs/common';
import {
  createEncryption,
  ensureEncryptionKeyTables,
  type Encryption,
  type SqlQuery,
} from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { IngestConfig } from '../config';
import { INGEST_CONFIG } from '../ingest-config.module';
import { MessageEncryption } from './message-encryption';

/** Ingest's encryption (encryptor, keys, blind index), shared by the message store, export and erasure. */
export const INGEST_ENCRYPTION = Symbol('INGEST_ENCRYPTION');

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

/**
 * The key tables are shared by every service (ENCRYPTION_SCHEMA), so no service's migrations own
 * them: this makes sure they exist before ingest's first key lookup.
 */
@Global()
@Module({
  providers: [
    {
      provide: INGEST_ENCRYPTION,
      useFactory: async (config: IngestConfig, dataSource: DataSource): Promise<Encryption> => {
        const query = sqlQueryOf(dataSource);
        await ensureEncryptionKeyTables(query, config.ENCRYPTION_SCHEMA);
        return createEncryption(config, { query });
      },
      inject: [INGEST_CONFIG, DataSource],
    },
    {
      provide: MessageEncryption,
      useFactory: (encryption: Encryption) => new MessageEncryption(encryption.encryptor),
      inject: [INGEST_ENCRYPTION],
    },
  ],
  exports: [INGEST_ENCRYPTION, MessageEncryption],
})
export class IngestEncryptionModule {}
