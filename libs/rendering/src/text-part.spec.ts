import { compileEmailTemplate } from './compile-email-template';
import { TemplateError } from './template-error';
import { compileTextPart, type LineCompiler } from './text-part';

const compiler: LineCompiler = { get: (_lineId, source) => compileEmailTemplate(source) };

async function problemsOf(promise: Promise<unknown>): Promise<TemplateError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TemplateError)) throw new Error(`expected a TemplateError, got ${String(error)}`);
  return error;
}

describe('compileTextPart', () => {
  it("renders values as they are, unescaped, and keeps the template's own line breaks", async () => {
    const part = await compileTextPart(
      compiler,
      'sms',
      'sms.text',
      'Hi {{ name }},\nyour total is {{ total }} & more',
    );
    expect(part.render({ name: 'Ada <3', total: 12 })).toBe('Hi Ada <3,\nyour total is 12 & more');
  });

  it('puts no line break in from a value', async () => {
    const part = await compileTextPart(compiler, 'push', 'push.title', '{{ title }}');
    expect(part.render({ title: 'one\ntwo' })).not.toContain('\n');
  });

  it('refuses a malformed placeholder, naming the field and the line', async () => {
    const error = await problemsOf(compileTextPart(compiler, 'sms', 'sms.text', 'fine\nbroken {{ name'));
    expect(error.code).toBe('INVALID_SYNTAX');
    expect(error.problems).toEqual([expect.objectContaining({ field: 'sms.text' })]);
    expect(error.problems[0].problem).toMatch(/^line 2: /);
  });

  it('names a missing variable once, however many lines use it', async () => {
    const part = await compileTextPart(compiler, 'inapp', 'inapp.body', '{{ name }}\nagain {{ name }}');
    let thrown: unknown;
    try {
      part.render({});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TemplateError);
    expect((thrown as TemplateError).code).toBe('MISSING_VARIABLE');
    expect((thrown as TemplateError).problems).toHaveLength(1);
  });
});
