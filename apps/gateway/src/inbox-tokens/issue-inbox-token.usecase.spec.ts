import { verifyRecipientToken } from '@switchboard/security';
import { GatewayError } from '../gateway-error';
import { IssueInboxTokenUsecase } from './issue-inbox-token.usecase';

const SECRET = 'a-recipient-token-secret-of-at-least-32-bytes';
const NEXT_SECRET = 'the-next-recipient-token-secret-also-32-bytes-long';

describe('IssueInboxTokenUsecase', () => {
  const issuedAt = new Date('2030-01-01T12:00:00.750Z');

  it("issues a token for the tenant's recipient that expires after the asked lifetime", () => {
    const issue = new IssueInboxTokenUsecase([SECRET], () => issuedAt);

    const answer = issue.execute('acme', 'user-42', { ttlSeconds: 600 });

    expect(answer.expiresAt).toBe('2030-01-01T12:10:00.000Z');
    expect(verifyRecipientToken(answer.token, [SECRET], issuedAt)).toEqual({
      valid: true,
      tenantId: 'acme',
      recipientId: 'user-42',
      expiresAt: new Date(answer.expiresAt),
    });
    expect(verifyRecipientToken(answer.token, [SECRET], new Date(answer.expiresAt))).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('signs with the first secret, so verifiers that list only the new one accept it', () => {
    const issue = new IssueInboxTokenUsecase([NEXT_SECRET, SECRET], () => issuedAt);

    const { token } = issue.execute('acme', 'user-42', { ttlSeconds: 600 });

    expect(verifyRecipientToken(token, [NEXT_SECRET], issuedAt).valid).toBe(true);
    expect(verifyRecipientToken(token, [SECRET], issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('refuses with 404 when no secret is configured', () => {
    const issue = new IssueInboxTokenUsecase(undefined);

    expect(() => issue.execute('acme', 'user-42', { ttlSeconds: 600 })).toThrow(
      expect.objectContaining({ code: 'INBOX_TOKENS_NOT_CONFIGURED', status: 404 }) as GatewayError,
    );
  });
});
