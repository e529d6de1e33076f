import { validate, type Validated } from '@switchboard/contracts';
import { ConfigError, type ConfigProblem } from './config-error';
import type { ConfigOf, ConfigSpec, ConfigVariable } from './config-variable';
import { environmentDefaultOf } from './env';

export type Environment = Record<string, string | undefined>;

const HIDDEN = '[hidden]';

/**
 * Reads and validates every variable of `spec` from the environment (process.env unless given),
 * and throws one ConfigError listing every problem. Blank values count as unset.
 * The returned object is frozen.
 */
export function loadConfig<S extends ConfigSpec>(
  spec: S,
  environment: Environment = process.env,
): ConfigOf<S> {
  const config: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [name, variable] of Object.entries(spec)) {
    const raw = readVariable(environment, name);
    const result = parseVariable(variable, raw);
    if (result.ok) {
      config[name] = result.value;
    } else {
      for (const problem of result.problems) {
        problems.push({ variable: name, problem: variable.sensitive ? hideValue(problem, raw) : problem });
      }
    }
  }
  // Only when every variable parsed: a check across variables would misreport one that is invalid.
  if (problems.length === 0) problems.push(...crossCheckProblems(spec, config));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as ConfigOf<S>;
}

export interface ConfigVariableDescription {
  name: string;
  description: string;
  sensitive: boolean;
  required: boolean;
  /** As it would be written in the environment. */
  defaultValue?: string;
  example?: string;
}

/** The variables of a spec, for documentation and `--help`. */
export function describeConfig(spec: ConfigSpec): ConfigVariableDescription[] {
  return Object.entries(spec).map(([name, variable]) => {
    const whenUnset = parseVariable(variable, undefined);
    const defaultValue = whenUnset.ok ? formatDefault(variable, whenUnset.value) : undefined;
    return {
      name,
      description: variable.description,
      sensitive: variable.sensitive ?? false,
      required: !whenUnset.ok,
      ...(defaultValue === undefined ? {} : { defaultValue }),
      ...(variable.example === undefined ? {} : { example: variable.example }),
    };
  });
}

/** The loaded values with sensitive ones replaced, safe to log at start-up. */
export function summarizeConfig<S extends ConfigSpec>(spec: S, config: ConfigOf<S>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(spec).map(([name, variable]) => {
      const value = (config as Record<string, unknown>)[name];
      return [name, variable.sensitive && value !== undefined ? HIDDEN : value];
    }),
  );
}

function crossCheckProblems(spec: ConfigSpec, config: Readonly<Record<string, unknown>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, variable] of Object.entries(spec)) {
    const problem = variable.crossCheck?.(config);
    if (problem !== undefined) problems.push({ variable: name, problem });
  }
  return problems;
}

function readVariable(environment: Environment, name: string): string | undefined {
  const value = environment[name]?.trim();
  return value === '' ? undefined : value;
}

type ParsedVariable = { ok: true; value: unknown } | { ok: false; problems: string[] };

function parseVariable(variable: ConfigVariable<unknown>, raw: string | undefined): ParsedVariable {
  let result: Validated<unknown>;
  try {
    result = validate(variable.schema, raw);
  } catch (error) {
    // A transform that throws is a bug in the spec, but it is still reported beside the other problems.
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (result.ok) return { ok: true, value: result.value };
  if (raw === undefined) return { ok: false, problems: ['is required but not set'] };
  return {
    ok: false,
    problems: result.problems.map(({ field, problem }) =>
      field ? `${describeField(field)}: ${problem}` : problem,
    ),
  };
}

// List items are reported by position, counting from 1 as a person would.
function describeField(field: string): string {
  return /^\d+$/.test(field) ? `entry ${Number(field) + 1}` : field;
}

function hideValue(problem: string, raw: string | undefined): string {
  return raw === undefined ? problem : problem.split(raw).join(HIDDEN);
}

function formatDefault(variable: ConfigVariable<unknown>, value: unknown): string | undefined {
  const written = environmentDefaultOf(variable.schema);
  if (written !== undefined) return variable.sensitive ? HIDDEN : written;
  if (value === undefined) return undefined;
  if (variable.sensitive) return HIDDEN;
  return Array.isArray(value) ? value.join(',') : String(value);
}
