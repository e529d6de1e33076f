import type { Provider } from '@nestjs/common';
import { createEncryption, ensureEncryptionKeyTables, type SqlQuery } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { SenderInappConfig } from '../config';
import { SENDER_INAPP_CONFIG } from '../sender-inapp-config.module';
import { InboxItemEncryption } from './inbox-item-encryption';

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
 * The inbox's encryption, on the key tables shared by every service (ENCRYPTION_SCHEMA): no
 * service's migrations own them, so each makes sure they exist before its first key lookup.
 */
export const inboxItemEncryptionProvider: Provider = {
  provide: InboxItemEncryption,
  useFactory: async (config: SenderInappConfig, dataSource: DataSource) => {
    const query = sqlQueryOf(dataSource);
    await ensureEncryptionKeyTables(query, config.ENCRYPTION_SCHEMA);
    const { encryptor, keys } = createEncryption(config, { query });
    return new InboxItemEncryption(encryptor, keys);
  },
  inject: [SENDER_INAPP_CONFIG, DataSource],
};
