import { type DynamicModule, Module } from '@nestjs/common';
import { PAYLOAD_CIPHER } from '@switchboard/messaging';
import { DataSource } from 'typeorm';
import { createEncryption, type Encryption, type EncryptionConfig } from '../create-encryption';
import { ensureEncryptionKeyTables, type SqlQuery } from '../key-tables';
import { PayloadEncryption } from '../payload-encryption';

/** The app's one Encryption (encryptor, keys, blind index): `@Inject(ENCRYPTION) encryption: Encryption`. */
export const ENCRYPTION = Symbol('ENCRYPTION');

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
 * Encryption at rest for a Nest app, global: one key cache for every table the app seals and for
 * the personal fields of its Kafka payloads (PAYLOAD_CIPHER, which MessagingModule's publisher and
 * consumers use). The key tables live in the shared schema (ENCRYPTION_SCHEMA), which no service's
 * migrations own: they are made sure of here, before the first key lookup. Needs the app's
 * TypeORM DataSource (PersistenceModule).
 */
@Module({})
export class EncryptionModule {
  static forRoot(config: EncryptionConfig): DynamicModule {
    return {
      module: EncryptionModule,
      global: true,
      providers: [
        {
          provide: ENCRYPTION,
          useFactory: async (dataSource: DataSource): Promise<Encryption> => {
            const query = sqlQueryOf(dataSource);
            await ensureEncryptionKeyTables(query, config.ENCRYPTION_SCHEMA);
            return createEncryption(config, { query });
          },
          inject: [DataSource],
        },
        {
          provide: PAYLOAD_CIPHER,
          useFactory: (encryption: Encryption) => new PayloadEncryption(encryption.encryptor),
          inject: [ENCRYPTION],
        },
      ],
      exports: [ENCRYPTION, PAYLOAD_CIPHER],
    };
  }
}
