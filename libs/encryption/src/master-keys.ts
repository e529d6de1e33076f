import type { ValidationProblem } from '@switchboard/contracts';
import { z } from 'zod';
import { EncryptionError } from './encryption-error';

/** Below this a master key or blind index secret is refused: AES-256 and HMAC-SHA256 want 32 bytes. */
export const MINIMUM_SECRET_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL-safe alphabet, padded or not: operators paste from `openssl rand -base64 32`.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface MasterKey {
  id: string;
  secret: Buffer;
}

/** The configured master keys; the first wraps new data keys, every one unwraps. */
export interface MasterKeyring {
  keys: MasterKey[];
}

/**
 * Reads `ENCRYPTION_MASTER_KEYS`: `id=base64,id=base64`, each secret at least 32 bytes. Throws an
 * EncryptionError listing every entry at fault by position and id, never showing a secret.
 */
export function parseMasterKeyring(text: string): MasterKeyring {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    throw keyringError([{ field: 'keys', problem: 'must list at least one id=base64 master key' }]);
  }
  const problems: ValidationProblem[] = [];
  const keys: MasterKey[] = [];
  entries.forEach((entry, index) => {
    const field = `keys.${index}`;
    const separator = entry.indexOf('=');
    const id = separator < 0 ? '' : entry.slice(0, separator);
    const encoded = separator < 0 ? '' : entry.slice(separator + 1);
    if (!KEY_ID.test(id)) {
      problems.push({ field, problem: 'must be id=base64 with an id of 1-32 letters, digits, _ or -' });
      return;
    }
    if (keys.some((key) => key.id === id)) {
      problems.push({ field, problem: `repeats the master key id ${id}` });
      return;
    }
    const secret = decodeBase64(encoded);
    if (secret === undefined || secret.length < MINIMUM_SECRET_BYTES) {
      problems.push({
        field,
        problem: `the master key ${id} must be base64 of at least ${MINIMUM_SECRET_BYTES} random bytes (openssl rand -base64 32)`,
      });
      return;
    }
    keys.push({ id, secret });
  });
  if (problems.length > 0) throw keyringError(problems);
  return { keys };
}

/**
 * Reads `BLIND_INDEX_KEY`: base64 of at least 32 bytes. Kept apart from the master keys because
 * it never rotates without rebuilding every index made with it.
 */
export function parseBlindIndexSecret(text: string): Buffer {
  const secret = decodeBase64(text.trim());
  if (secret === undefined || secret.length < MINIMUM_SECRET_BYTES) {
    throw new EncryptionError('INVALID_CONFIG', 'blind index key: must be base64 of at least 32 bytes', [
      {
        field: 'secret',
        problem: `must be base64 of at least ${MINIMUM_SECRET_BYTES} random bytes (openssl rand -base64 32)`,
      },
    ]);
  }
  return secret;
}

/** For config: `ENCRYPTION_MASTER_KEYS` as text in, a keyring out, problems as validation issues. */
export const masterKeyringSchema: z.ZodType<MasterKeyring, string> = z
  .string()
  .transform((text, context) => fromParser(() => parseMasterKeyring(text), context));

/** For config: `BLIND_INDEX_KEY` as text in, the secret out. */
export const blindIndexSecretSchema: z.ZodType<Buffer, string> = z
  .string()
  .transform((text, context) => fromParser(() => parseBlindIndexSecret(text), context));

function fromParser<T>(parse: () => T, context: z.RefinementCtx): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof EncryptionError)) throw error;
    for (const { field, problem } of error.problems) {
      context.addIssue({ code: 'custom', message: `${field}: ${problem}` });
    }
    return z.NEVER;
  }
}

function keyringError(problems: ValidationProblem[]): EncryptionError {
  return new EncryptionError(
    'INVALID_CONFIG',
    `master keys: ${problems.map(({ field, problem }) => `${field}: ${problem}`).join('; ')}`,
    problems,
  );
}

function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}
