export type SenderKitErrorCode = 'INVALID_OPTION' | 'LEDGER_INCONSISTENT' | 'NO_SUCH_PROVIDER';

export class SenderKitError extends Error {
  override name = 'SenderKitError';

  constructor(
    readonly code: SenderKitErrorCode,
    message: string,
  ) {
    super(message);
  }
}
