import { ContractValidationError, MAX_JSON_DEPTH } from '@switchboard/contracts';
import fc from 'fast-check';
import { MAX_BATCH_ITEM_DEPTH, parseJsonBody } from './json-body';
import { ProblemException } from './problem-details';

function deepArray(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

function refusal(text: string, options?: { batch?: boolean }): ProblemException | ContractValidationError {
  try {
    parseJsonBody(text, options);
  } catch (error) {
    if (error instanceof ProblemException || error instanceof ContractValidationError) return error;
    throw error;
  }
  throw new Error(`${text.slice(0, 40)} was accepted`);
}

describe('parseJsonBody', () => {
  it('returns the parsed body', () => {
    expect(parseJsonBody('{"content": {"text": "Hello \\ud83d\\ude00"}}')).toEqual({
      content: { text: 'Hello \u{1f600}' },
    });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses 33, 10,000 and 1,000,000 with JSON_TOO_DEEP naming where`, () => {
    expect(parseJsonBody(deepArray(MAX_JSON_DEPTH))).toBeDefined();
    for (const levels of [MAX_JSON_DEPTH + 1, 10_000, 1_000_000]) {
      const error = refusal(deepArray(levels));
      expect(error).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
      expect((error as ProblemException).detail).toContain(
        `${Array.from({ length: MAX_JSON_DEPTH }, () => '0').join('.')} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
  });

  it('refuses a "__proto__" key with FORBIDDEN_KEY, saying the JSON is valid, and names the field', () => {
    const error = refusal('{"recipient": {"email": "a@b.c"}, "content": {"data": {"__proto__": {"x": 1}}}}');

    expect(error).toMatchObject({
      status: 400,
      code: 'FORBIDDEN_KEY',
      extensions: {
        errors: [{ field: 'content.data.__proto__', problem: expect.stringContaining('forbidden key') }],
      },
    });
    expect((error as ProblemException).detail).toMatch(
      /^the body is valid JSON, but content\.data\.__proto__ /,
    );
    expect(refusal('{"a": {"constructor": {"prototype": {}}}}')).toMatchObject({ code: 'FORBIDDEN_KEY' });
  });

  it('refuses a NUL or a lone surrogate in a value or a key as a validation failure naming each field', () => {
    const error = refusal('{"content": {"text": "a\\u0000b", "subject": "\\ud800"}, "k\\udc00": 1}');

    expect(error).toBeInstanceOf(ContractValidationError);
    expect((error as ContractValidationError).problems).toEqual(
      expect.arrayContaining([
        { field: 'content.text', problem: 'contains a NUL character (U+0000), which cannot be stored' },
        {
          field: 'content.subject',
          problem: 'contains an unpaired UTF-16 surrogate (U+D800), which is not valid Unicode',
        },
        {
          field: 'k\\udc00',
          problem: 'is a key that contains an unpaired UTF-16 surrogate (U+DC00), which is not valid Unicode',
        },
      ]),
    );
  });

  it('answers malformed JSON with MALFORMED_JSON, without quoting the body', () => {
    const error = refusal('[1, "secret@example.com",]');

    expect(error).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
    expect((error as ProblemException).detail).not.toContain('secret');
  });

  describe('for a batch route', () => {
    const item = (content: string) => `{"recipient": {"email": "a@b.c"}, "content": ${content}}`;
    // An item nested `levels` deep: the item, its content, then arrays.
    const deepItem = (levels: number) => item(`{"data": ${deepArray(levels - 2)}}`);

    it('leaves a NUL, a lone surrogate or deeper nesting inside one item to the route', () => {
      const body = `{"messages": [${item('{"text": "ok"}')}, ${item('{"text": "\\u0000"}')}, ${item(
        '{"text": "\\ud800"}',
      )}, ${deepItem(MAX_JSON_DEPTH + 5)}]}`;

      const parsed = parseJsonBody(body, { batch: true }) as { messages: unknown[] };

      expect(parsed.messages).toHaveLength(4);
    });

    it('refuses the whole body for a forbidden key anywhere, an item past the item ceiling, or bad text in the envelope', () => {
      expect(refusal(`{"messages": [${item('{"data": {"__proto__": 1}}')}]}`, { batch: true })).toMatchObject(
        { code: 'FORBIDDEN_KEY' },
      );
      const tooDeep = refusal(`{"messages": [${deepItem(MAX_BATCH_ITEM_DEPTH + 1)}]}`, { batch: true });
      expect(tooDeep).toMatchObject({ code: 'JSON_TOO_DEEP' });
      expect((tooDeep as ProblemException).detail).toContain('messages.0.content.data.0');
      expect(refusal('{"messages": [], "n\\u0000te": 1}', { batch: true })).toBeInstanceOf(
        ContractValidationError,
      );
    });
  });

  it('answers any text with a value or a 400, never another error (property)', () => {
    const fragments = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\u0000',
      '\\ud800',
      '__proto__',
      '1',
      'a',
    );
    const text = fc.oneof(
      fc.json(),
      fc.json({ stringUnit: 'binary' }),
      fc.array(fragments, { maxLength: 40 }).map((parts) => parts.join('')),
      fc.nat({ max: 5_000 }).map(deepArray),
    );

    fc.assert(
      fc.property(text, fc.boolean(), (body, batch) => {
        try {
          expect(parseJsonBody(body, { batch })).toEqual(JSON.parse(body));
        } catch (error) {
          const { status, statusCode } = error as { status?: number; statusCode?: number };
          expect(error instanceof ContractValidationError ? 400 : (status ?? statusCode)).toBe(400);
        }
      }),
      { numRuns: 400 },
    );
  });
});
