import { ProblemException } from '@switchboard/service-kit';

const STATUSES = {
  API_KEY_NOT_FOUND: 404,
  /** Revoked, expired or already rotated: rotation needs a working key. */
  API_KEY_NOT_ROTATABLE: 409,
  /** Handing out (or taking away) more than the calling key holds. */
  API_KEY_BEYOND_OWN_PERMISSIONS: 403,
} as const;

export type ApiKeyErrorCode = keyof typeof STATUSES;

export class ApiKeyError extends ProblemException {
  constructor(
    override readonly code: ApiKeyErrorCode,
    detail: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(STATUSES[code], code, detail, extensions);
  }
}
