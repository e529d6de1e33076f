import { validate, type Validated } from '@switchboard/contracts';
import type { z } from 'zod';

/** A record's value as a contract payload: JSON, then the schema. Problems never quote the value. */
export function decodePayload<T>(value: Buffer | null, schema: z.ZodType<T>): Validated<T> {
  if (value === null || value.length === 0) {
    return { ok: false, problems: [{ field: '', problem: 'the record has no value' }] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    // The parser's message quotes the input, which may hold personal data.
    return { ok: false, problems: [{ field: '', problem: 'the value is not valid JSON' }] };
  }
  return validate(schema, parsed);
}
