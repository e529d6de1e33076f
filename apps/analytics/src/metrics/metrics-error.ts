export type MetricsErrorCode = 'INVALID_NAME' | 'DUPLICATE_METRIC' | 'DUPLICATE_SERIES';

export class MetricsError extends Error {
  override name = 'MetricsError';

  constructor(
    readonly code: MetricsErrorCode,
    message: string,
  ) {
    super(message);
  }
}
