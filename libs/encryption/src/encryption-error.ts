import { validate, type ValidationProblem } from '@switchboard/contracts';
import type { z } from 'zod';

export type EncryptionErrorCode =
  /** Keys or options given at start-up that break a rule (too short, repeated id, unknown provider). */
  | 'INVALID_CONFIG'
  /** An argument of a call (tenant id, field path, encryption context) that breaks a rule. */
  | 'INVALID_ARGUMENT'
  /** The text is not a value this library encrypted (wrong prefix, version or encoding). */
  | 'MALFORMED_CIPHERTEXT'
  /**
   * The data key was destroyed (crypto-shredding): the value is erased for good. Callers treat it
   * as "this person's data is gone", not as a fault.
   */
  | 'KEY_DESTROYED'
  /** No data key with that id exists and none was destroyed: a value from another database or a bug. */
  | 'UNKNOWN_DATA_KEY'
  /** The wrapped data key names a master key that is not configured (removed too early after rotation). */
  | 'UNKNOWN_MASTER_KEY'
  /**
   * Authentication failed: the ciphertext, its nonce or tag were changed, or it was moved to another
   * tenant, recipient or field than the one it was written for.
   */
  | 'DECRYPTION_FAILED'
  /** The key provider (AWS KMS) refused or could not be reached. */
  | 'KEY_PROVIDER_FAILED';

/** Never carries a plaintext, a key or a ciphertext in its message: only ids and field names. */
export class EncryptionError extends Error {
  override readonly name = 'EncryptionError';

  constructor(
    readonly code: EncryptionErrorCode,
    message: string,
    readonly problems: ValidationProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** True when a value cannot be read because its owner was erased: show it as erased, do not retry. */
export function isKeyDestroyed(error: unknown): boolean {
  return error instanceof EncryptionError && error.code === 'KEY_DESTROYED';
}

export function parseOptions<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  return parseWith(schema, input, subject, 'INVALID_CONFIG');
}

export function parseArgument<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  return parseWith(schema, input, subject, 'INVALID_ARGUMENT');
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, subject: string, code: EncryptionErrorCode): T {
  const result = validate(schema, input);
  if (result.ok) return result.value;
  const listed = result.problems.map(({ field, problem }) => `${field || '(root)'}: ${problem}`).join('; ');
  throw new EncryptionError(code, `${subject}: ${listed}`, result.problems);
}
