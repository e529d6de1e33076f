import { z } from 'zod';

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

/**
 * How many objects and arrays may nest inside one another in any input, counting the outermost:
 * far more than any contract needs, and far below what recursive code (JSON.stringify, a
 * recursive schema) can walk without overflowing the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** How many problems of one input are listed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * What `inspectInput` refuses before any schema runs: `forbidden-key` (`__proto__`, or
 * `constructor` holding `prototype`), `too-deep` (nesting beyond the limit) and `text` (a NUL
 * character or an unpaired UTF-16 surrogate, which PostgreSQL cannot store in text or jsonb).
 */
export type InputProblemKind = 'forbidden-key' | 'too-deep' | 'text';

export interface InputProblem extends ValidationProblem {
  kind: InputProblemKind;
}

export interface InputInspection {
  /** At most MAX_LISTED_PROBLEMS. */
  problems: InputProblem[];
  /** Problems found beyond those listed. */
  omitted: number;
}

/** Matches any one key or index in a path pattern. */
export const ANY_SEGMENT = Symbol('any key or index');
export type PathPattern = ReadonlyArray<string | typeof ANY_SEGMENT>;

export interface InspectOptions {
  /** Default MAX_JSON_DEPTH. */
  maxDepth?: number;
  /** Default true; false checks only forbidden keys and depth. */
  checkText?: boolean;
  /** Subtrees not to look into (opaque values, batch items checked on their own): not visited. */
  skip?: readonly PathPattern[];
  /**
   * Where values that a schema leaves open start (z.unknown(), the values of a record of unknown,
   * such as template data): their nesting is counted from 1 again there, so that a value valid at
   * one boundary stays valid when a later payload carries it deeper.
   */
  countAgainAt?: readonly PathPattern[];
  /** Where `value` sits in a larger document, prefixed to every field named. */
  at?: ReadonlyArray<string | number>;
}

/**
 * Checks a JSON-like value for what no boundary accepts, in one pass with an explicit stack, so
 * that no depth of input can overflow the stack. Objects that are not plain (Date, Buffer) are
 * leaves. It does not descend past the depth limit or into a forbidden key's value.
 */
export function inspectInput(value: unknown, options: InspectOptions = {}): InputInspection {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const checkText = options.checkText ?? true;
  const marks: PathMark[] = [
    ...(options.skip ?? []).map((pattern) => ({ pattern, kind: 'skip' as const })),
    ...(options.countAgainAt ?? []).map((pattern) => ({ pattern, kind: 'count-again' as const })),
  ].filter((mark) => mark.pattern.length > 0);
  const problems: InputProblem[] = [];
  let omitted = 0;
  const report = (kind: InputProblemKind, node: PathNode | undefined, problem: string) => {
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ kind, field: fieldName(node), problem });
    else omitted += 1;
  };

  const root: PathNode | undefined = (options.at ?? []).reduce<PathNode | undefined>(
    (parent, key) => ({ parent, key }),
    undefined,
  );
  if (typeof value === 'string') {
    if (checkText) checkString(value, (problem) => report('text', root, `contains ${problem}`));
    return { problems, omitted };
  }
  if (!isContainer(value)) return { problems, omitted };

  const stack: Frame[] = [
    {
      value,
      depth: 1,
      node: root,
      marks: marks.length > 0 ? marks.map((mark) => ({ mark, matched: 0 })) : NO_MARKS,
    },
  ];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const children: Frame[] = [];
    const visit = (key: string | number, child: unknown) => {
      const reached = frame.marks.length > 0 ? advance(frame.marks, key) : NOTHING_REACHED;
      if (reached.skip) return;
      // Made only when needed: most values are neither containers nor wrong.
      const node = (): PathNode => ({ parent: frame.node, key });
      if (typeof key === 'string') {
        const forbidden = forbiddenKeyProblem(key, child);
        if (forbidden) return report('forbidden-key', node(), forbidden);
        if (checkText)
          checkString(key, (problem) => report('text', node(), `is a key that contains ${problem}`));
      }
      if (typeof child === 'string') {
        if (checkText) checkString(child, (problem) => report('text', node(), `contains ${problem}`));
      } else if (isContainer(child)) {
        const depth = reached.countAgain ? 1 : frame.depth + 1;
        if (depth > maxDepth) report('too-deep', node(), tooDeep(maxDepth));
        else children.push({ value: child, depth, node: node(), marks: reached.marks });
      }
    };
    if (Array.isArray(frame.value)) {
      for (let index = 0; index < frame.value.length; index += 1) visit(index, frame.value[index]);
    } else {
      const record = frame.value as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(key, record[key]);
    }
    // Pushed in reverse so that siblings are looked into in their order.
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]);
  }
  return { problems, omitted };
}

// The one way every boundary validates: HTTP bodies, Kafka payloads and config alike.
export function validate<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const paths = schemaPaths(schema);
  const inspection = inspectInput(input, { skip: paths.opaque, countAgainAt: paths.open });
  // Too deep or a forbidden key: the schema never sees it (a recursive one could overflow the stack).
  if (inspection.problems.some((problem) => problem.kind !== 'text')) {
    return { ok: false, problems: listedProblems(inspection) };
  }
  const result = schema.safeParse(input);
  if (result.success && inspection.problems.length === 0) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: [
      ...listedProblems(inspection),
      ...(result.success ? [] : result.error.issues.flatMap(toProblems)),
    ],
  };
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = validate(schema, input);
  if (!result.ok) throw new ContractValidationError(subject, result.problems);
  return result.value;
}

/** The problems of an inspection as validation problems, with a last line counting the omitted. */
export function listedProblems(inspection: InputInspection): ValidationProblem[] {
  const listed = inspection.problems.map(({ field, problem }) => ({ field, problem }));
  if (inspection.omitted > 0) {
    listed.push({ field: '', problem: `and ${inspection.omitted} more problems like these, not listed` });
  }
  return listed;
}

const opaqueSchemas = new WeakSet<z.ZodType>();

/**
 * A value a contract carries without looking into it, so `validate()` leaves its text and depth
 * alone: a batch item, validated on its own later so that one bad item does not fail the whole
 * batch; a parked event, shown as it was. Use the schema it returns as it is (a copy is unmarked).
 */
export function opaque(): z.ZodUnknown {
  const schema = z.unknown();
  opaqueSchemas.add(schema);
  return schema;
}

function toProblems(issue: z.core.$ZodIssue): ValidationProblem[] {
  const path = issue.path.map((segment) => printableSegment(String(segment)));
  // An unknown key is a problem of that key, not of the object that holds it.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: [...path, printableSegment(key)].join('.'),
      problem: 'is not a known field',
    }));
  }
  return [{ field: path.join('.'), problem: printableText(issue.message) }];
}

interface PathNode {
  parent: PathNode | undefined;
  key: string | number;
}

interface PathMark {
  pattern: PathPattern;
  kind: 'skip' | 'count-again';
}

interface MarkProgress {
  mark: PathMark;
  /** How many of its segments the path so far has matched. */
  matched: number;
}

interface Frame {
  value: object;
  /** 1 for the outermost object or array, or for the start of an open value. */
  depth: number;
  node: PathNode | undefined;
  /** Marks the path so far still matches. */
  marks: readonly MarkProgress[];
}

interface Reached {
  marks: readonly MarkProgress[];
  skip: boolean;
  countAgain: boolean;
}

const NO_MARKS: readonly MarkProgress[] = [];
const NOTHING_REACHED: Reached = { marks: NO_MARKS, skip: false, countAgain: false };

function advance(progress: readonly MarkProgress[], key: string | number): Reached {
  const reached: Reached = { marks: NO_MARKS, skip: false, countAgain: false };
  const next: MarkProgress[] = [];
  for (const { mark, matched } of progress) {
    const segment = mark.pattern[matched];
    if (segment !== ANY_SEGMENT && segment !== String(key)) continue;
    if (matched + 1 < mark.pattern.length) next.push({ mark, matched: matched + 1 });
    else if (mark.kind === 'skip') reached.skip = true;
    else reached.countAgain = true;
  }
  if (next.length > 0) reached.marks = next;
  return reached;
}

function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// secure-json-parse refuses the same two: either can reach Object.prototype through a merge.
function forbiddenKeyProblem(key: string, value: unknown): string | undefined {
  if (key === '__proto__') {
    return 'is a forbidden key: "__proto__" could replace the prototype of the object it is copied into';
  }
  if (
    key === 'constructor' &&
    isContainer(value) &&
    !Array.isArray(value) &&
    Object.prototype.hasOwnProperty.call(value, 'prototype')
  ) {
    return 'is a forbidden key: "constructor" holding "prototype" could reach the prototype of the object it is copied into';
  }
  return undefined;
}

function checkString(text: string, report: (problem: string) => void): void {
  if (text.includes('\u0000')) report('a NUL character (U+0000), which cannot be stored');
  if (!isWellFormed(text)) {
    const unit = text.match(LONE_SURROGATE)?.[0].charCodeAt(0) ?? 0xd800;
    report(`an unpaired UTF-16 surrogate (${codePoint(unit)}), which is not valid Unicode`);
  }
}

function tooDeep(maxDepth: number): string {
  return `nests objects and arrays deeper than ${maxDepth} levels`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const MAX_SEGMENT_LENGTH = 64;

// String.prototype.isWellFormed (Node 20) is native and linear; TypeScript's ES2022 lib lacks it.
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function codePoint(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

function fieldName(node: PathNode | undefined): string {
  const segments: string[] = [];
  for (let current = node; current; current = current.parent) {
    segments.push(typeof current.key === 'number' ? String(current.key) : printableSegment(current.key));
  }
  return segments.reverse().join('.');
}

// A field name is echoed in answers, logs and dead letters (stored in PostgreSQL): a bad key must
// not carry its NUL or lone surrogate along, nor its whole length.
function printableSegment(key: string): string {
  const short = key.length > MAX_SEGMENT_LENGTH ? `${key.slice(0, MAX_SEGMENT_LENGTH)}…` : key;
  return printableText(short);
}

function printableText(text: string): string {
  if (!text.includes('\u0000') && isWellFormed(text)) return text;
  return text
    .replaceAll('\u0000', '\\u0000')
    .replace(LONE_SURROGATES, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface SchemaPaths {
  /** Where the schema holds opaque() values. */
  opaque: PathPattern[];
  /** Where values the schema leaves open start. */
  open: PathPattern[];
}

const pathsBySchema = new WeakMap<z.ZodType, SchemaPaths>();

/** Where in its input a schema holds opaque and open values, found once per schema. */
function schemaPaths(schema: z.ZodType): SchemaPaths {
  const known = pathsBySchema.get(schema);
  if (known) return known;
  const found: SchemaPaths = { opaque: [], open: [] };
  const pending: SchemaVisit[] = [{ schema, path: [], inUnion: false }];
  while (pending.length > 0) {
    const { schema: current, path, inUnion } = pending.pop() as SchemaVisit;
    const type = (current.def as { type: string }).type;
    // An opaque() inside a union is not honoured (another option may be a field to check there).
    if (opaqueSchemas.has(current) && !inUnion) found.opaque.push(path);
    else if (type === 'unknown' || type === 'any') found.open.push(path);
    else if (path.length < MAX_JSON_DEPTH) pending.push(...childSchemas(current, path, inUnion));
  }
  pathsBySchema.set(schema, found);
  return found;
}

interface SchemaVisit {
  schema: z.ZodType;
  path: PathPattern;
  inUnion: boolean;
}

// Objects, arrays, records, unions and the wrappers around them. A lazy (recursive) schema is not
// looked into: its values count from the outermost level, which is the safe side.
function childSchemas(schema: z.ZodType, path: PathPattern, inUnion: boolean): SchemaVisit[] {
  const def = schema.def as unknown as Record<string, unknown> & { type: string };
  const visit = (child: unknown, at: PathPattern, union = inUnion): SchemaVisit => ({
    schema: child as z.ZodType,
    path: at,
    inUnion: union,
  });
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).map(([key, child]) =>
        visit(child, [...path, key]),
      );
    case 'array':
      return [visit(def.element, [...path, ANY_SEGMENT])];
    case 'record':
      return [visit(def.valueType, [...path, ANY_SEGMENT])];
    case 'union':
      return (def.options as z.ZodType[]).map((option) => visit(option, path, true));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return [visit(def.innerType, path)];
    case 'pipe':
      return [visit(def.in, path)];
    default:
      return [];
  }
}
