import { ProblemException } from '@switchboard/service-kit';

export type PreferenceErrorCode =
  /** The change is well formed but would break a limit (more categories than a recipient may have). */
  'PREFERENCES_REFUSED';

export function statusOf(code: PreferenceErrorCode): number {
  switch (code) {
    case 'PREFERENCES_REFUSED':
      return 422;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped preference error code ${String(code)}`);
}

/** An expected failure of the preferences API. An unknown recipient is the recipients API's 404. */
export class PreferenceError extends ProblemException {
  constructor(
    readonly preferenceCode: PreferenceErrorCode,
    detail: string,
    field?: string,
  ) {
    super(
      statusOf(preferenceCode),
      preferenceCode,
      detail,
      field ? { errors: [{ field, problem: detail }] } : {},
    );
  }
}
