import { GatewayError } from '../gateway-error';
import type { RouterSuppressionClient } from '../suppressions/router-suppression-client';
import { SmsReplySuppressions } from './sms-reply-ports';

/** What the suppression list says of a reply's opt-out. */
export const SMS_REPLY_OPT_OUT_REASON = 'replied STOP';

/**
 * The router's suppression list, through its internal API. A refusal of the router's (which this
 * gateway's own requests never earn) is a failure, so that SNS delivers the reply again.
 */
export class RouterSmsReplySuppressions extends SmsReplySuppressions {
  constructor(private readonly suppressions: RouterSuppressionClient) {
    super();
  }

  async optOut(tenantId: string, phoneNumber: string): Promise<{ created: boolean }> {
    const answer = await this.suppressions.create(tenantId, {
      channel: 'sms',
      address: phoneNumber,
      reason: SMS_REPLY_OPT_OUT_REASON,
      source: 'sms-reply',
    });
    if (answer.status !== 201 && answer.status !== 200) throw refused(answer.status);
    return { created: answer.status === 201 };
  }

  async optIn(tenantId: string, phoneNumber: string): Promise<{ lifted: boolean }> {
    const answer = await this.suppressions.remove(tenantId, 'sms', phoneNumber, { source: 'sms-reply' });
    if (answer.status !== 204 && answer.status !== 404) throw refused(answer.status);
    return { lifted: answer.status === 204 };
  }
}

function refused(status: number): GatewayError {
  return new GatewayError(
    'UPSTREAM_FAILED',
    `the router refused an SMS reply's suppression change (${status})`,
  );
}
