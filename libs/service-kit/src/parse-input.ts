import { parseOrThrow } from '@switchboard/contracts';
import type { z } from 'zod';

/**
 * Validates an HTTP body, query or path value with the contracts' one validation helper;
 * the ContractValidationError it throws becomes a 400 problem naming each field.
 */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, subject = 'request body'): T {
  return parseOrThrow(schema, value, subject);
}
