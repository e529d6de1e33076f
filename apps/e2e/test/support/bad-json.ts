// Building blocks for bodies that are valid JSON but bad input: deep, with forbidden keys,
// with text PostgreSQL cannot store. Values are plain JSON (no cycles), as parsed bodies are.

export type JsonPath = Array<string | number>;

/** Where every string value sits in `value`, root first. */
export function stringPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((child, index) => stringPaths(child, [...path, index]));
  if (isObject(value))
    return Object.entries(value).flatMap(([key, child]) => stringPaths(child, [...path, key]));
  return [];
}

/** Where every object sits in `value` (the root included), root first. */
export function objectPaths(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((child, index) => objectPaths(child, [...path, index]));
  if (!isObject(value)) return [];
  return [path, ...Object.entries(value).flatMap(([key, child]) => objectPaths(child, [...path, key]))];
}

/** Every value's path, containers included (not the root). */
export function valuePaths(value: unknown, path: JsonPath = []): JsonPath[] {
  const children: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((child, index) => [index, child])
    : isObject(value)
      ? Object.entries(value)
      : [];
  return children.flatMap(([key, child]) => [[...path, key], ...valuePaths(child, [...path, key])]);
}

export function valueAt(value: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string | number, unknown>)[key], value);
}

/** A copy of `value` with `replacement` at `path`; `undefined` removes the key. */
export function withValueAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (replacement === undefined && !Array.isArray(parent)) delete parent[key];
  else parent[key] = replacement;
  return copy;
}

/**
 * A copy of `value` whose object at `path` has an own, enumerable `key` (which may be
 * `__proto__`: defined, not assigned, so it is a key and not a prototype), as JSON.parse makes it.
 */
export function withKeyAt(value: unknown, path: JsonPath, key: string, keyValue: unknown): unknown {
  const copy = structuredClone(value);
  Object.defineProperty(valueAt(copy, path), key, {
    value: keyValue,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/** JSON text of `levels` nested arrays or objects. */
export function nestedText(levels: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(levels)}${']'.repeat(levels)}`
    : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** JSON text of `value` with the value at `path` replaced by raw JSON text (e.g. deep nesting). */
export function textWithRawAt(value: unknown, path: JsonPath, rawJson: string): string {
  const placeholder = `@@raw-${Math.random().toString(36).slice(2)}@@`;
  return JSON.stringify(withValueAt(value, path, placeholder)).replace(`"${placeholder}"`, () => rawJson);
}

/** How a field is named in a problem: its path joined with dots. */
export function fieldName(path: JsonPath): string {
  return path.join('.');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
