import type { InboxTokenResponse, IssueInboxTokenRequest } from '@switchboard/contracts';
import { issueRecipientToken, type RecipientTokenSecret } from '@switchboard/security';
import { GatewayError } from '../gateway-error';

/**
 * Issues the token with which one recipient's app reads their inbox at sender-inapp. The tenant's
 * backend asks for it with its API key and hands it to the end user, who never sees the key.
 */
export class IssueInboxTokenUsecase {
  constructor(
    /** Signs with the first; sender-inapp accepts all of them during a rotation. */
    private readonly secrets: readonly RecipientTokenSecret[] | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  execute(tenantId: string, recipientId: string, request: IssueInboxTokenRequest): InboxTokenResponse {
    const secret = this.secrets?.[0];
    if (secret === undefined) {
      throw new GatewayError(
        'INBOX_TOKENS_NOT_CONFIGURED',
        'this gateway issues no inbox tokens: INBOX_TOKEN_SECRETS is not set',
      );
    }
    const issuedAt = this.now();
    const token = issueRecipientToken(
      { tenantId, recipientId, ttlSeconds: request.ttlSeconds },
      secret,
      issuedAt,
    );
    // The token counts whole seconds; its expiry is the issue second plus the lifetime.
    const expiresAt = new Date((Math.floor(issuedAt.getTime() / 1000) + request.ttlSeconds) * 1000);
    return { token, expiresAt: expiresAt.toISOString() };
  }
}
