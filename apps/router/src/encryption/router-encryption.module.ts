import { Global, Module } from '@nestjs/common';
import {
  createEncryption,
  ensureEncryptionKeyTables,
  type Encryption,
  type SqlQuery,
} from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { RouterConfig } from '../config';
import { ROUTER_CONFIG } from '../router-config.module';

/** The router's encryption (encryptor, keys, blind index) for its tables other than the recipients'. */
export const ROUTER_ENCRYPTION = Symbol('ROUTER_ENCRYPTION');

/** Rows of a statement; TypeORM answers an UPDATE or DELETE with [rows, count] instead. */
export function sqlQueryOf(dataSource: DataSource): SqlQuery {
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
 * Global, so that suppressions, routing, schedules and erasure seal and open with one key cache.
 * The key tables are shared by every service (ENCRYPTION_SCHEMA): this makes sure they exist
 * before the first key lookup, as the recipients' encryption does.
 */
@Global()
@Module({
  providers: [
    {
      provide: ROUTER_ENCRYPTION,
      useFactory: async (config: RouterConfig, dataSource: DataSource): Promise<Encryption> => {
        const query = sqlQueryOf(dataSource);
        await ensureEncryptionKeyTables(query, config.ENCRYPTION_SCHEMA);
        return createEncryption(config, { query });
      },
      inject: [ROUTER_CONFIG, DataSource],
    },
  ],
  exports: [ROUTER_ENCRYPTION],
})
export class RouterEncryptionModule {}
