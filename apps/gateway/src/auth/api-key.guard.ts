import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';

/** The tenant the request's API key belongs to; set by ApiKeyGuard. */
export interface AuthenticatedRequest extends FastifyRequest {
  tenantId: string;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly authenticate: AuthenticateApiKey) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      request.tenantId = await this.authenticate.execute(request.headers.authorization);
    } catch (error) {
      // RFC 9110: a 401 names the scheme the client should use.
      void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
      throw error;
    }
    return true;
  }
}
