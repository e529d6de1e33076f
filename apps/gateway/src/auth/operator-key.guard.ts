import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ProblemException } from '@switchboard/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticateOperator } from './authenticate-operator.usecase';

/** Guards the platform operators' routes (dead letters of every tenant): an operator key or nothing. */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  constructor(private readonly authenticate: AuthenticateOperator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    try {
      await this.authenticate.execute(http.getRequest<FastifyRequest>().headers.authorization);
    } catch (error) {
      // RFC 9110: a 401 names the scheme the client should use.
      if (error instanceof ProblemException && error.status === 401) {
        void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
      }
      throw error;
    }
    return true;
  }
}
