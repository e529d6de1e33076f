import { randomBytes } from 'node:crypto';
import { ServiceCredentials } from '@switchboard/security';

/**
 * SERVICE_TOKEN_SECRETS for services a test starts in its own process: random per test file, so
 * no secret that works anywhere else is ever written down.
 */
export const TEST_SERVICE_TOKEN_SECRETS = randomBytes(32).toString('base64url');

let credentials: ServiceCredentials | undefined;

/**
 * The Authorization header a test sends to a service's internal API, as the gateway would: a
 * service credential for `audience` signed with TEST_SERVICE_TOKEN_SECRETS (or the given secrets).
 */
export function serviceAuthorization(
  audience: string,
  secrets: readonly string[] = [TEST_SERVICE_TOKEN_SECRETS],
): { authorization: string } {
  if (secrets.length !== 1 || secrets[0] !== TEST_SERVICE_TOKEN_SECRETS) {
    return { authorization: new ServiceCredentials({ issuer: 'test', secrets }).authorizationFor(audience) };
  }
  credentials ??= new ServiceCredentials({ issuer: 'test', secrets });
  return { authorization: credentials.authorizationFor(audience) };
}
