export type PersistenceErrorCode =
  'INVALID_DATABASE_OPTIONS' | 'INVALID_BULK_INSERT' | 'MIGRATION_FAILED' | 'EMBEDDED_POSTGRES_START_FAILED';

export class PersistenceError extends Error {
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PersistenceError';
  }
}
