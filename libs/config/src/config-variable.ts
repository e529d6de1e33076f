import type { z } from 'zod';

export interface ConfigVariable<T> {
  schema: z.ZodType<T>;
  description: string;
  /** Secrets: never echoed in errors, help output or the start-up summary. */
  sensitive?: boolean;
  example?: string;
  /**
   * A check that needs other variables (both or neither, one requires another). It runs once
   * every variable of the spec has parsed, and its problem is reported under this variable.
   */
  crossCheck?(config: Readonly<Record<string, unknown>>): string | undefined;
}

export type ConfigSpec = Record<string, ConfigVariable<unknown>>;

/** Keeps the literal variable names and schema types, so `loadConfig` returns a precise type. */
export function defineConfig<const S extends ConfigSpec>(spec: S): S {
  return spec;
}

export type ConfigOf<S> = { [K in keyof S]: S[K] extends ConfigVariable<infer T> ? T : never };
