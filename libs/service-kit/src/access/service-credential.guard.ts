import { type CanActivate, type ExecutionContext, Logger } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { ServiceTokenRejection, ServiceTokenVerifier } from '@switchboard/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../problem-details';
import { publicRouteReason } from './route-access';

/** What a route handler may read of the service that called it (`request.serviceCaller`). */
export interface ServiceCaller {
  service: string;
  tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    serviceCaller?: ServiceCaller;
  }
}

const REJECTION_DETAILS: Record<ServiceTokenRejection, string> = {
  malformed: 'the service credential is not a service token',
  'unknown-key': 'the service credential was signed with a secret this service does not hold',
  'bad-signature': 'the service credential’s signature does not match',
  'wrong-audience': 'the service credential was issued for another service',
  expired: 'the service credential has expired',
  'not-yet-valid': 'the service credential was issued in the future; check the caller’s clock',
};

/**
 * Every route of an internal service needs a valid service credential for this service
 * (`Authorization: Bearer <token>`), except the ones marked `@PublicRoute(reason)`. A route with
 * no marker is protected, so a new route fails closed. A service that takes no credentials (no
 * verifier: it serves only public routes) refuses every other route the same way.
 */
export class ServiceCredentialGuard implements CanActivate {
  private readonly logger = new Logger(ServiceCredentialGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audience: string,
    private readonly verifier: ServiceTokenVerifier | undefined,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (publicRouteReason(this.reflector, context) !== undefined) return true;
    // Only HTTP reaches Nest's guards here (Kafka is consumed outside Nest); anything else is refused.
    if (context.getType() !== 'http') return false;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const route = `${request.method} ${request.routeOptions?.url ?? request.url}`;

    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="switchboard-internal"');
      throw new ProblemException(
        401,
        'SERVICE_CREDENTIAL_REQUIRED',
        `${route} needs a service credential for the ${this.audience} service: Authorization: Bearer <token>`,
      );
    }
    if (this.verifier === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="switchboard-internal", error="invalid_token"');
      throw new ProblemException(
        401,
        'SERVICE_CREDENTIAL_REJECTED',
        `the ${this.audience} service accepts no service credentials: ${route} is not open to other services`,
        { reason: 'not-accepted' },
      );
    }
    const verification = this.verifier.verify(token);
    if (!verification.valid) {
      // The reason, never the token: a log is no place for a credential, even an expired one.
      this.logger.warn(`refused ${route}: service credential ${verification.reason}`);
      void reply.header(
        'www-authenticate',
        `Bearer realm="switchboard-internal", error="invalid_token", error_description="${verification.reason}"`,
      );
      throw new ProblemException(401, 'SERVICE_CREDENTIAL_REJECTED', REJECTION_DETAILS[verification.reason], {
        reason: verification.reason,
      });
    }
    request.serviceCaller = { service: verification.token.issuer, tokenId: verification.token.tokenId };
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}
