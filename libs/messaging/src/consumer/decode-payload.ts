import { validate, type Validated, type ValidationProblem } from '@switchboard/contracts';
import type { z } from 'zod';

export type ParsedPayload = { ok: true; json: unknown } | { ok: false; problems: ValidationProblem[] };

/** A record's value as JSON. Problems never quote the value. */
export function parsePayload(value: Buffer | null): ParsedPayload {
  if (value === null || value.length === 0) {
    return { ok: false, problems: [{ field: '', problem: 'the record has no value' }] };
  }
  try {
    return { ok: true, json: JSON.parse(value.toString('utf8')) };
  } catch {
    // The parser's message quotes the input, which may hold personal data.
    return { ok: false, problems: [{ field: '', problem: 'the value is not valid JSON' }] };
  }
}

/** A record's value as a contract payload: JSON, then the schema. Problems never quote the value. */
export function decodePayload<T>(value: Buffer | null, schema: z.ZodType<T>): Validated<T> {
  const parsed = parsePayload(value);
  return parsed.ok ? validate(schema, parsed.json) : parsed;
}
