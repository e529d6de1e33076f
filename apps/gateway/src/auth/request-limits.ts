import type { FastifyReply } from 'fastify';
import type { ApiKeyPrincipal } from './principal';

/**
 * Per key and per tenant request limits on the public API. The access guard calls it once a
 * request's API key is known and before any handler runs: it either admits the request (and may
 * set RateLimit headers on the reply) or throws a 429 problem with Retry-After.
 */
export abstract class RequestLimits {
  abstract admit(principal: ApiKeyPrincipal, reply: FastifyReply): Promise<void>;
}
