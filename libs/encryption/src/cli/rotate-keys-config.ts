import { commonVariables, defineConfig, type Environment, loadConfig } from '@switchboard/config';
import { encryptionVariables } from '../encryption-variables';

/**
 * What the key rotation command reads: the database and the variables that pick the key provider
 * and the key tables, named and checked as every service's. Not BLIND_INDEX_KEY nor the key cache:
 * rotation uses neither, and an operator should not need a secret the work does not.
 */
export const rotateKeysConfigSpec = defineConfig({
  DATABASE_URL: commonVariables.DATABASE_URL,
  ENCRYPTION_KEY_PROVIDER: encryptionVariables.ENCRYPTION_KEY_PROVIDER,
  ENCRYPTION_MASTER_KEYS: encryptionVariables.ENCRYPTION_MASTER_KEYS,
  ENCRYPTION_KMS_KEY_ID: encryptionVariables.ENCRYPTION_KMS_KEY_ID,
  ENCRYPTION_KMS_REGION: encryptionVariables.ENCRYPTION_KMS_REGION,
  ENCRYPTION_KMS_ENDPOINT: encryptionVariables.ENCRYPTION_KMS_ENDPOINT,
  ENCRYPTION_SCHEMA: encryptionVariables.ENCRYPTION_SCHEMA,
});

export type RotateKeysConfig = ReturnType<typeof loadRotateKeysConfig>;

export function loadRotateKeysConfig(environment: Environment = process.env) {
  return loadConfig(rotateKeysConfigSpec, environment);
}
