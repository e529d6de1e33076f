import { compileEmailTemplate } from './compile-email-template';
import { TemplateError } from './template-error';
import { compileTextPart, type LineCompiler } from './text-part';

const compiler: LineCompiler = { get: (_lineId, source) => compileEmailTemplate(source) };

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
    await expect(compileTextPart(compiler, 'sms', 'sms.text', 'fine\nbroken {{ name')).rejects.toMatchObject({
      code: 'INVALID_SYNTAX',
      problems: [{ field: 'sms.text', problem: expect.stringMatching(/^line 2: /) }],
    });
  });

  it('names a missing variable once, however many lines use it', async () => {
    const part = await compileTextPart(compiler, 'inapp', 'inapp.body', '{{ name }}\nagain {{ name }}');
    expect(() => part.render({})).toThrow(TemplateError);
    expect(() => part.render({})).toThrow(
      expect.objectContaining({ code: 'MISSING_VARIABLE', problems: [expect.anything()] }),
    );
  });
});
