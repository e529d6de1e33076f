import {
  commonVariables,
  ConfigError,
  defineConfig,
  env,
  loadConfig,
  serviceVariables,
  type ConfigOf,
  type ConfigProblem,
  type Environment,
} from '@switchboard/config';
import { encryptionVariables } from '@switchboard/encryption';
import { SecurityError } from '@switchboard/security';
import { createECDH } from 'node:crypto';
import { z } from 'zod';
import { PushEndpointGuard } from './push/push-endpoint-guard';

const laneConcurrency = (lane: string) => ({
  schema: env.int({ min: 1, max: 256, default: 16 }),
  description: `Pushes of the ${lane} lane sent at once (order is still kept per recipient)`,
  sensitive: false,
});

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function base64UrlBytes(length: number, describe: string, check: (bytes: Buffer) => boolean = () => true) {
  return env
    .string({ pattern: BASE64URL, patternMessage: 'must be base64url (A-Z, a-z, 0-9, - and _, no padding)' })
    .refine((value) => {
      // Text that is not base64url has its problem already; one problem per variable is enough.
      if (!BASE64URL.test(value)) return true;
      const bytes = Buffer.from(value, 'base64url');
      return bytes.length === length && check(bytes);
    }, `must decode to ${describe}`);
}

export const senderPushConfigSpec = defineConfig({
  ...commonVariables,
  PORT: { ...commonVariables.PORT, schema: env.port(3107) },
  DATABASE_POOL_SIZE: serviceVariables.DATABASE_POOL_SIZE,
  // Dispatches (subscriptions, notification) arrive sealed with each recipient's data key, and
  // retries are sealed again: ENCRYPTION_MASTER_KEYS (or KMS) and BLIND_INDEX_KEY are required.
  ...encryptionVariables,
  VAPID_PUBLIC_KEY: {
    schema: base64UrlBytes(65, '65 bytes, an uncompressed P-256 point', (bytes) => bytes[0] === 0x04),
    description:
      'VAPID application server public key (the applicationServerKey browsers subscribe with); `npx web-push generate-vapid-keys` makes a pair',
    sensitive: false,
    example: 'BOLsRkGe2-Lry_7VRYRiq0WoyiBfJAy5HLwmtAz5qWrDq3hj3dWX6m1Pq9ehYf3ZJ1u9Bc7dQb6vW3c0tJ1Ynxk',
  },
  VAPID_PRIVATE_KEY: {
    schema: base64UrlBytes(32, '32 bytes, a P-256 private key'),
    description: 'VAPID private key that signs the token of every push',
    sensitive: true,
  },
  VAPID_SUBJECT: {
    schema: env.string({
      pattern: /^(?:mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/,
      patternMessage: 'must be a mailto: address or an https: URL where push services can reach the sender',
    }),
    description: 'Contact the push services may use about this sender (VAPID "sub" claim)',
    sensitive: false,
    example: 'mailto:push-admin@example.com',
  },
  PUSH_SANDBOX_ORIGINS: {
    schema: env.list(z.string()).optional(),
    description:
      'Origins of local push services that may be pushed to over http on loopback (the embedded sandbox); unset in production',
    sensitive: false,
    example: 'http://127.0.0.1:8006',
  },
  PUSH_REQUEST_TIMEOUT: {
    schema: env.duration('5s'),
    description: 'Longest wait for a push service to answer one push',
    sensitive: false,
  },
  PUSH_MAX_ATTEMPTS: {
    schema: env.int({ min: 1, max: 100, default: 8 }),
    description:
      'Tries at a push that fails transiently (through the retry topics) before it is dead-lettered',
    sensitive: false,
  },
  PUSH_RATE_PER_SECOND: {
    schema: env.int({ min: 1, max: 100_000, default: 500 }),
    description: 'Pushes per second to the push services, shared by every replica',
    sensitive: false,
  },
  PUSH_RATE_BURST: {
    schema: env.int({ min: 1, max: 100_000, default: 1000 }),
    description: 'Pushes that may go at once above the rate after a quiet spell',
    sensitive: false,
  },
  PUSH_CONCURRENCY_HIGH: laneConcurrency('high-priority'),
  PUSH_CONCURRENCY_NORMAL: laneConcurrency('normal-priority'),
  PUSH_CONCURRENCY_BULK: laneConcurrency('bulk'),
});

export type SenderPushConfig = ConfigOf<typeof senderPushConfigSpec>;

/** Loads the config and also checks what no single variable shows: the key pair and the sandbox origins. */
export function loadSenderPushConfig(environment?: Environment): SenderPushConfig {
  const config = loadConfig(senderPushConfigSpec, environment);
  const problems: ConfigProblem[] = [];
  if (!isKeyPair(config.VAPID_PUBLIC_KEY, config.VAPID_PRIVATE_KEY)) {
    problems.push({ variable: 'VAPID_PRIVATE_KEY', problem: 'is not the private key of VAPID_PUBLIC_KEY' });
  }
  try {
    new PushEndpointGuard({ sandboxOrigins: config.PUSH_SANDBOX_ORIGINS ?? [] });
  } catch (error) {
    if (!(error instanceof SecurityError)) throw error;
    for (const { field, problem } of error.problems) {
      problems.push({
        variable: 'PUSH_SANDBOX_ORIGINS',
        problem: `entry ${Number(field.split('.')[1]) + 1} ${problem}`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isKeyPair(publicKey: string, privateKey: string): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
    return ecdh.getPublicKey().equals(Buffer.from(publicKey, 'base64url'));
  } catch {
    // Not a valid scalar on the curve (zero, or not below the group order).
    return false;
  }
}
