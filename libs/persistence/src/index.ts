export { bulkInsert, POSTGRES_MAX_PARAMETERS, type BulkInsertOptions } from './bulk-insert';
export {
  createDataSource,
  DEFAULT_POOL_SIZE,
  MIGRATIONS_TABLE_NAME,
  type ClassConstructor,
  type DatabaseOptions,
} from './data-source';
export { DatabaseHealthIndicator } from './database-health.indicator';
export {
  DEFAULT_EMBEDDED_MAX_CONNECTIONS,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export { migrate } from './migrate';
export { PersistenceError, type PersistenceErrorCode } from './persistence-error';
export { PersistenceModule } from './persistence.module';
export { isUniqueViolation } from './unique-violation';
export {
  purgeOldRows,
  RETENTION_BATCH_SIZE,
  type RetainedTable,
  type RetentionQuery,
} from './retention/purge-old-rows';
export { RetentionPolicy, type RetentionCutoffs } from './retention/retention-policy';
export { RetentionSweeper, type RetentionSweeperOptions } from './retention/retention-sweeper';
export { retentionVariables } from './retention/retention-variables';
