import type { ValidationProblem } from '@switchboard/contracts';
import { TemplateError } from './template-error';

/** A variable as render looks it up: `order.total` becomes ['order', 'total']. */
export interface VariablePath {
  name: string;
  segments: readonly string[];
}

export function toVariablePath(name: string): VariablePath {
  return { name, segments: name.split('.') };
}

/**
 * The text of every variable, in the order given. Every problem is collected before throwing, so
 * one error names all missing or unusable variables.
 */
export function resolveVariables(data: Record<string, unknown>, paths: readonly VariablePath[]): string[] {
  const values: string[] = new Array<string>(paths.length);
  let missing: ValidationProblem[] | undefined;
  let invalid: ValidationProblem[] | undefined;
  for (let index = 0; index < paths.length; index++) {
    const path = paths[index];
    const value = lookUp(data, path.segments);
    if (typeof value === 'string') {
      values[index] = value;
      continue;
    }
    const text = stringify(value);
    if (text !== undefined) {
      values[index] = text;
    } else if (value === undefined || value === null || value === NOT_AN_OBJECT) {
      (missing ??= []).push({ field: path.name, problem: missingProblem(value) });
    } else {
      (invalid ??= []).push({ field: path.name, problem: invalidProblem(value) });
    }
  }
  if (missing) throw new TemplateError('MISSING_VARIABLE', [...missing, ...(invalid ?? [])]);
  if (invalid) throw new TemplateError('INVALID_VARIABLE', invalid);
  return values;
}

const NOT_AN_OBJECT = Symbol('not an object');

// Own properties only, so `{{ constructor.name }}` cannot reach into prototypes.
function lookUp(data: Record<string, unknown>, segments: readonly string[]): unknown {
  let current: unknown = data;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) {
      return current === undefined || current === null ? undefined : NOT_AN_OBJECT;
    }
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringify(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

function missingProblem(value: unknown): string {
  if (value === null) return 'is null in the template data';
  if (value === NOT_AN_OBJECT) return 'is missing from the template data (a parent of it is not an object)';
  return 'is missing from the template data';
}

function invalidProblem(value: unknown): string {
  if (Array.isArray(value)) return 'is an array; only strings, numbers and booleans can be rendered';
  if (typeof value === 'number') return `is ${value}; only finite numbers can be rendered`;
  if (typeof value === 'object') {
    return 'is an object; use one of its fields (such as {{ order.total }}) or pass a string';
  }
  return `is a ${typeof value}; only strings, numbers and booleans can be rendered`;
}
