import type { z } from 'zod';

/** One thing wrong with an input, named by its path (e.g. `recipient.email`). */
export interface ValidationProblem {
  field: string;
  problem: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: ValidationProblem[] };

export class ContractValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: ValidationProblem[],
  ) {
    super(
      `invalid ${subject}: ${problems.map(({ field, problem }) => `${field || '(root)'}: ${problem}`).join('; ')}`,
    );
  }
}

// The one way every boundary validates: HTTP bodies, Kafka payloads and config alike.
export function validate<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap(toProblems) };
}

function toProblems(issue: z.core.$ZodIssue): ValidationProblem[] {
  const path = issue.path.map(String);
  // An unknown key is a problem of that key, not of the object that holds it.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: [...path, key].join('.'), problem: 'is not a known field' }));
  }
  return [{ field: path.join('.'), problem: issue.message }];
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = validate(schema, input);
  if (!result.ok) throw new ContractValidationError(subject, result.problems);
  return result.value;
}
