import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { verifyRecipientToken } from '@switchboard/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SENDER_INAPP_CONFIG, type SenderInappConfig } from '../config';
import { InboxError } from '../inbox/inbox-error';
import type { InboxOwner } from '../inbox/inbox-store';

/** The recipient the request's token names, and until when; set by RecipientTokenGuard. */
export interface RecipientRequest extends FastifyRequest {
  inboxOwner: InboxOwner;
  /** A live stream opened with the token ends then. */
  recipientTokenExpiresAt: Date;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
// A browser's EventSource cannot send headers, so the stream also takes the token as a query
// parameter (RFC 6750 §2.3); other routes take it only in the header, out of URLs and logs.
const QUERY_TOKEN_ROUTES = new Set(['/v1/inbox/stream']);

export const REFUSALS = {
  missing: 'send the recipient token as Authorization: Bearer <token>',
  malformed: 'the recipient token is malformed',
  'bad-signature': 'the recipient token is not valid',
  expired: 'the recipient token has expired; ask your backend for a new one',
} as const;

/** Authenticates an end user by the recipient token the gateway issued; never by a tenant API key. */
@Injectable()
export class RecipientTokenGuard implements CanActivate {
  constructor(@Inject(SENDER_INAPP_CONFIG) private readonly config: SenderInappConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<RecipientRequest>();
    const token = tokenOf(request);
    const verification =
      token === undefined
        ? ({ valid: false, reason: 'missing' } as const)
        : verifyRecipientToken(token, this.config.INBOX_TOKEN_SECRETS);
    if (!verification.valid) {
      // RFC 6750: a 401 names the scheme, and the error when a token was sent.
      void http
        .getResponse<FastifyReply>()
        .header(
          'www-authenticate',
          verification.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"',
        );
      throw new InboxError('UNAUTHENTICATED', REFUSALS[verification.reason], {
        reason: verification.reason,
      });
    }
    request.inboxOwner = { tenantId: verification.tenantId, recipientId: verification.recipientId };
    request.recipientTokenExpiresAt = verification.expiresAt;
    return true;
  }
}

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return BEARER.exec(header)?.[1] ?? '';
  if (QUERY_TOKEN_ROUTES.has(request.routeOptions.url ?? '')) {
    const value = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
