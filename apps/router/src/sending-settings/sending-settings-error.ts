import type { ValidationProblem } from '@switchboard/contracts';
import { ProblemException } from '@switchboard/service-kit';

/** Settings that are well formed but name something the tenant does not have. */
export type SendingSettingsErrorCode = 'SENDING_SETTINGS_REFUSED';

export function statusOf(code: SendingSettingsErrorCode): number {
  switch (code) {
    case 'SENDING_SETTINGS_REFUSED':
      return 422;
    default:
      return exhaustive(code);
  }
}

function exhaustive(code: never): never {
  throw new Error(`unmapped sending settings error code ${String(code)}`);
}

/** An expected failure of the sending settings API; `errors` names each refused field. */
export class SendingSettingsError extends ProblemException {
  constructor(
    readonly sendingSettingsCode: SendingSettingsErrorCode,
    detail: string,
    problems: readonly ValidationProblem[],
  ) {
    super(statusOf(sendingSettingsCode), sendingSettingsCode, detail, { errors: [...problems] });
  }
}
