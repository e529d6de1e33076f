import { randomBytes } from 'node:crypto';
import { issueServiceToken, ServiceCredentials } from '@switchboard/security';

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

export interface InvalidServiceCredential {
  description: string;
  headers: Record<string, string>;
  /** The rejection reason the service answers with; undefined when no credential is sent at all. */
  reason?: string;
}

/**
 * The credentials a service must refuse with 401, for an integration test of its guard: none, one
 * forged with another secret, one altered after signing, an expired one and one for another service.
 */
export function invalidServiceCredentials(audience: string): InvalidServiceCredential[] {
  const secrets = [TEST_SERVICE_TOKEN_SECRETS];
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const genuine = issueServiceToken({ issuer: 'test', audience }, secrets);
  const [payload, signature] = genuine.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number };
  const extended = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 60 })).toString('base64url');
  return [
    { description: 'no credential', headers: {} },
    { description: 'an API key instead', headers: { authorization: 'Basic dGVzdDp0ZXN0' } },
    {
      description: 'forged with another secret',
      headers: bearer(
        issueServiceToken({ issuer: 'test', audience }, [randomBytes(32).toString('base64url')]),
      ),
      reason: 'unknown-key',
    },
    {
      description: 'altered after signing',
      headers: bearer(`${extended}.${signature}`),
      reason: 'bad-signature',
    },
    {
      description: 'expired',
      headers: bearer(
        issueServiceToken({ issuer: 'test', audience }, secrets, new Date(Date.now() - 120_000)),
      ),
      reason: 'expired',
    },
    {
      description: 'for another service',
      headers: bearer(issueServiceToken({ issuer: 'test', audience: `not-${audience}` }, secrets)),
      reason: 'wrong-audience',
    },
  ];
}
