import { randomBytes } from 'node:crypto';

/**
 * The encryption variables of a service a test starts in its own process (ENCRYPTION_MASTER_KEYS,
 * BLIND_INDEX_KEY): random per test file, like TEST_SERVICE_TOKEN_SECRETS, so that no key that
 * works anywhere else is written down. Replicas of one test share them, as a deployment's do.
 */
export const TEST_ENCRYPTION_VARIABLES: Readonly<
  Record<'ENCRYPTION_MASTER_KEYS' | 'BLIND_INDEX_KEY', string>
> = {
  ENCRYPTION_MASTER_KEYS: `test=${randomBytes(32).toString('base64')}`,
  BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
};
