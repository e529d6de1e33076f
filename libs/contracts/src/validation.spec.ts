import fc from 'fast-check';
import { z } from 'zod';
import {
  inspectInput,
  MAX_JSON_DEPTH,
  MAX_LISTED_PROBLEMS,
  parseOrThrow,
  validate,
  opaque,
  type ValidationProblem,
} from './validation';

const Message = z.strictObject({
  recipient: z.strictObject({ email: z.email() }),
  content: z.strictObject({ text: z.string(), data: z.record(z.string(), z.unknown()).optional() }),
});

function problemsOf(schema: z.ZodType, input: unknown): ValidationProblem[] {
  const result = validate(schema, input);
  return result.ok ? [] : result.problems;
}

function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

describe('validate', () => {
  const valid = { recipient: { email: 'ada@example.com' }, content: { text: 'Hello' } };

  it('accepts a valid value, and names every bad and unknown field as before', () => {
    expect(validate(Message, valid)).toEqual({ ok: true, value: valid });
    expect(
      problemsOf(Message, { recipient: { email: 'nope' }, content: { text: 1 }, colour: 'red' }),
    ).toEqual(
      expect.arrayContaining([
        { field: 'recipient.email', problem: expect.any(String) },
        { field: 'content.text', problem: expect.any(String) },
        { field: 'colour', problem: 'is not a known field' },
      ]),
    );
  });

  it('refuses a NUL character in a string, naming the field, although the schema takes any string', () => {
    const input = { ...valid, content: { text: 'Hello\u0000world' } };

    expect(problemsOf(Message, input)).toEqual([
      { field: 'content.text', problem: 'contains a NUL character (U+0000), which cannot be stored' },
    ]);
  });

  it('refuses an unpaired surrogate, high or low, and names it; a paired one (an emoji) is fine', () => {
    expect(problemsOf(Message, { ...valid, content: { text: 'a\ud800b' } })).toEqual([
      {
        field: 'content.text',
        problem: 'contains an unpaired UTF-16 surrogate (U+D800), which is not valid Unicode',
      },
    ]);
    expect(problemsOf(Message, { ...valid, content: { text: '\udfff' } })).toEqual([
      {
        field: 'content.text',
        problem: 'contains an unpaired UTF-16 surrogate (U+DFFF), which is not valid Unicode',
      },
    ]);
    expect(validate(Message, { ...valid, content: { text: 'ok \ud83d\ude00' } }).ok).toBe(true);
  });

  it('looks into values the schema leaves unknown, such as template data, and into keys', () => {
    const input = {
      ...valid,
      content: { text: 'Hi', data: { order: { lines: ['ok', 'bad\u0000'] }, 'k\u0000': 1 } },
    };

    const problems = problemsOf(Message, input);

    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          field: 'content.data.order.lines.1',
          problem: 'contains a NUL character (U+0000), which cannot be stored',
        },
        // The key is named with its NUL written out, so that the answer itself can be stored.
        {
          field: 'content.data.k\\u0000',
          problem: 'is a key that contains a NUL character (U+0000), which cannot be stored',
        },
      ]),
    );
  });

  it('lists the schema problems beside the text problems', () => {
    const fields = problemsOf(Message, { recipient: { email: 'x\u0000' }, content: { text: 2 } }).map(
      (problem) => problem.field,
    );

    expect(fields.filter((field) => field === 'recipient.email')).toHaveLength(2);
    expect(fields).toContain('content.text');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more, naming where`, () => {
    expect(validate(z.unknown(), nested(MAX_JSON_DEPTH)).ok).toBe(true);

    const problems = problemsOf(z.unknown(), nested(MAX_JSON_DEPTH + 1));

    expect(problems).toEqual([
      {
        field: Array.from({ length: MAX_JSON_DEPTH }, () => 'a').join('.'),
        problem: `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
      },
    ]);
  });

  it('counts the nesting of open values (template data) from where they start, so that a payload carrying them deeper stays valid', () => {
    const Data = z.record(z.string(), z.unknown());
    const Event = z.strictObject({ data: Data });
    const Wrapped = z.strictObject({
      message: z.strictObject({
        content: z.union([
          z.strictObject({ templateKey: z.string(), data: Data }),
          z.strictObject({ subject: z.string() }),
        ]),
      }),
    });
    const data = { order: nested(MAX_JSON_DEPTH) };

    expect(validate(Event, { data }).ok).toBe(true);
    expect(validate(Wrapped, { message: { content: { templateKey: 'k', data } } }).ok).toBe(true);
    const tooDeep = { order: nested(MAX_JSON_DEPTH + 1) };
    const field = ['order', ...Array.from({ length: MAX_JSON_DEPTH }, () => 'a')].join('.');
    expect(problemsOf(Event, { data: tooDeep })).toEqual([
      { field: `data.${field}`, problem: expect.any(String) },
    ]);
    expect(problemsOf(Wrapped, { message: { content: { templateKey: 'k', data: tooDeep } } })).toEqual([
      { field: `message.content.data.${field}`, problem: expect.any(String) },
    ]);
  });

  it('counts from the outermost level where the schema describes the value, e.g. deep arrays given for a string', () => {
    const deepArrays = JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`);

    expect(problemsOf(Message, { ...valid, recipient: { email: deepArrays } })).toEqual([
      {
        field: ['recipient', 'email', ...Array.from({ length: MAX_JSON_DEPTH - 2 }, () => '0')].join('.'),
        problem: `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
      },
    ]);
  });

  it('refuses 100,000 levels of nesting without overflowing the stack, before a recursive schema runs', () => {
    type Tree = { a?: Tree };
    const Recursive: z.ZodType<Tree> = z.lazy(() => z.strictObject({ a: Recursive.optional() }));
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}`);

    const result = validate(Recursive, deep);

    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toContain('deeper than 32 levels');
  });

  it('refuses a "__proto__" key and a "constructor" holding "prototype", as valid JSON with a forbidden key', () => {
    const proto = JSON.parse('{"content": {"data": {"__proto__": {"admin": true}}}}');
    const constructor = JSON.parse('{"x": [{"constructor": {"prototype": {"admin": true}}}]}');

    expect(problemsOf(z.unknown(), proto)).toEqual([
      { field: 'content.data.__proto__', problem: expect.stringContaining('is a forbidden key') },
    ]);
    expect(problemsOf(z.unknown(), constructor)).toEqual([
      { field: 'x.0.constructor', problem: expect.stringContaining('is a forbidden key') },
    ]);
    expect(validate(z.unknown(), { constructor: 'a word like any other', prototype: 1 }).ok).toBe(true);
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems and counts the rest`, () => {
    const input = Object.fromEntries(Array.from({ length: 50 }, (_, index) => [`field${index}`, '\u0000']));

    const problems = problemsOf(z.unknown(), input);

    expect(problems).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(problems[0].field).toBe('field0');
    expect(problems.at(-1)).toEqual({ field: '', problem: 'and 30 more problems like these, not listed' });
  });

  it('leaves opaque values alone, so that a batch item is checked on its own and one bad item fails alone', () => {
    const Batch = z.strictObject({ messages: z.array(opaque()).min(1) });
    const items = [valid, { ...valid, content: { text: 'bad\u0000' } }, nested(MAX_JSON_DEPTH + 5)];

    const batch = parseOrThrow(Batch, { messages: items }, 'batch');

    expect(batch.messages.map((item) => validate(Message, item).ok)).toEqual([true, false, false]);
    // Unmarked unknown values are looked into.
    expect(validate(z.strictObject({ messages: z.array(z.unknown()) }), { messages: items }).ok).toBe(false);
  });

  it('throws a ContractValidationError naming the subject and each field', () => {
    expect(() => parseOrThrow(Message, { ...valid, content: { text: '\u0000' } }, 'request body')).toThrow(
      /invalid request body: content.text: contains a NUL character/,
    );
  });
});

describe('inspectInput', () => {
  it('checks only forbidden keys and depth when text checks are off, and prefixes fields with where the value sits', () => {
    const item = JSON.parse('{"text": "\\u0000", "data": {"__proto__": 1}}');

    expect(inspectInput(item, { checkText: false, at: ['messages', 3] }).problems).toEqual([
      { kind: 'forbidden-key', field: 'messages.3.data.__proto__', problem: expect.any(String) },
    ]);
  });

  it('never throws and finds a problem exactly when a string or key has a NUL or a lone surrogate (property)', () => {
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('a', 'é', '\ud83d\ude00', ' ', '\\', '"') },
      { weight: 1, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff') },
    );
    const strings = fc.string({ unit, maxLength: 6 });
    const value = fc.letrec<{ json: unknown }>((tie) => ({
      json: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        strings,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('json'), { maxLength: 4 }),
        fc.dictionary(strings, tie('json'), { maxKeys: 4 }),
      ),
    })).json;

    fc.assert(
      fc.property(value, (input) => {
        const hasBadText = badTextOracle(input);
        expect(inspectInput(input).problems.some((problem) => problem.kind === 'text')).toBe(hasBadText);
      }),
      { numRuns: 300 },
    );
  });
});

// An independent, recursive reading (fine for the shallow values generated here).
function badTextOracle(value: unknown): boolean {
  const bad = (text: string) =>
    [...text].some((character) => {
      const code = character.charCodeAt(0);
      return code === 0 || (character.length === 1 && code >= 0xd800 && code <= 0xdfff);
    });
  if (typeof value === 'string') return bad(value);
  if (Array.isArray(value)) return value.some(badTextOracle);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, child]) => bad(key) || badTextOracle(child));
  }
  return false;
}
