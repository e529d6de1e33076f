import { validate, type ValidationProblem } from '@switchboard/contracts';
import type { z } from 'zod';

export type DeliveryErrorCode =
  /** Options for a retry policy, breaker, rate limiter or failover that break a rule. */
  | 'INVALID_OPTIONS'
  /** An argument of a call (attempt number, token count, ...) that breaks a rule. */
  | 'INVALID_ARGUMENT';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';

  constructor(
    readonly code: DeliveryErrorCode,
    readonly subject: string,
    readonly problems: ValidationProblem[],
  ) {
    super(
      `${code} (${subject}): ${problems.map(({ field, problem }) => `${field || '(root)'}: ${problem}`).join('; ')}`,
    );
  }
}

export function parseOptions<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  return parseWith(schema, input, subject, 'INVALID_OPTIONS');
}

export function parseArgument<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  return parseWith(schema, input, subject, 'INVALID_ARGUMENT');
}

function parseWith<T>(schema: z.ZodType<T>, input: unknown, subject: string, code: DeliveryErrorCode): T {
  const result = validate(schema, input);
  if (!result.ok) throw new DeliveryError(code, subject, result.problems);
  return result.value;
}
