import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { verifyRecipientToken } from '@switchboard/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayError } from '../gateway-error';

/** The end user a recipient token names: the only source of tenant and recipient on /v1/me routes. */
export interface TokenRecipient {
  tenantId: string;
  recipientId: string;
}

/** Set by RecipientTokenGuard. */
export interface RecipientTokenRequest extends FastifyRequest {
  tokenRecipient: TokenRecipient;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const REFUSALS = {
  missing: 'send the recipient token as Authorization: Bearer <token>',
  malformed: 'the recipient token is malformed',
  'bad-signature': 'the recipient token is not valid',
  expired: 'the recipient token has expired; ask your backend for a new one',
} as const;

/**
 * Authenticates an end user by the recipient token this gateway issues (POST
 * /v1/recipients/{id}/inbox-token), with the secrets sender-inapp checks it with; never by an API key.
 */
@Injectable()
export class RecipientTokenGuard implements CanActivate {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const secrets = this.config.INBOX_TOKEN_SECRETS ?? [];
    if (secrets.length === 0) {
      throw new GatewayError(
        'INBOX_TOKENS_NOT_CONFIGURED',
        'this gateway takes no recipient tokens: INBOX_TOKEN_SECRETS is not set',
      );
    }
    const http = context.switchToHttp();
    const request = http.getRequest<RecipientTokenRequest>();
    const header = request.headers.authorization;
    // Only the header: a token in a URL would end up in logs and browser history.
    const token = header === undefined ? undefined : (BEARER.exec(header)?.[1] ?? '');
    const verification =
      token === undefined
        ? ({ valid: false, reason: 'missing' } as const)
        : verifyRecipientToken(token, secrets);
    if (!verification.valid) {
      // RFC 6750: a 401 names the scheme, and the error when a token was sent.
      void http
        .getResponse<FastifyReply>()
        .header(
          'www-authenticate',
          verification.reason === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"',
        );
      throw new GatewayError('UNAUTHENTICATED', REFUSALS[verification.reason], {
        reason: verification.reason,
      });
    }
    request.tokenRecipient = { tenantId: verification.tenantId, recipientId: verification.recipientId };
    return true;
  }
}
