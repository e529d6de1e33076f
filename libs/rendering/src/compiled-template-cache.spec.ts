import type { CompiledEmailTemplate, EmailTemplateSource } from './compile-email-template';
import { compileEmailTemplate } from './compile-email-template';
import { CompiledTemplateCache } from './compiled-template-cache';
import { TemplateError } from './template-error';

const SOURCE: EmailTemplateSource = {
  subject: 'Hi {{ name }}',
  mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
};

function countingCompile() {
  return jest.fn((source: EmailTemplateSource) => compileEmailTemplate(source));
}

describe('CompiledTemplateCache', () => {
  it('compiles a version once, however many gets overlap while it compiles', async () => {
    const compile = countingCompile();
    const cache = new CompiledTemplateCache({ compile });

    const templates = await Promise.all(Array.from({ length: 20 }, () => cache.get('version-1', SOURCE)));
    const later = await cache.get('version-1', SOURCE);

    expect(compile).toHaveBeenCalledTimes(1);
    expect(new Set([...templates, later]).size).toBe(1);
    expect(later.render({ name: 'Ada' }).subject).toBe('Hi Ada');
  });

  it('compiles each version id separately', async () => {
    const compile = countingCompile();
    const cache = new CompiledTemplateCache({ compile });

    const [first, second] = await Promise.all([
      cache.get('version-1', SOURCE),
      cache.get('version-2', { ...SOURCE, subject: 'Welcome {{ name }}' }),
    ]);

    expect(compile).toHaveBeenCalledTimes(2);
    expect(first.render({ name: 'Ada' }).subject).toBe('Hi Ada');
    expect(second.render({ name: 'Ada' }).subject).toBe('Welcome Ada');
  });

  it('drops the least recently used version beyond maxEntries', async () => {
    const compile = countingCompile();
    const cache = new CompiledTemplateCache({ maxEntries: 2, compile });

    await cache.get('version-1', SOURCE);
    await cache.get('version-2', SOURCE);
    await cache.get('version-1', SOURCE); // now version-2 is the least recently used
    await cache.get('version-3', SOURCE);
    await cache.get('version-1', SOURCE);
    expect(compile).toHaveBeenCalledTimes(3);

    await cache.get('version-2', SOURCE);
    expect(compile).toHaveBeenCalledTimes(4);
    expect(cache.size).toBe(2);
  });

  it('passes a compile error to every waiting get and does not keep it', async () => {
    let calls = 0;
    const compile = jest.fn(async (): Promise<CompiledEmailTemplate> => {
      calls++;
      throw new TemplateError('INVALID_MJML', [{ field: 'mjml', problem: `attempt ${calls}` }]);
    });
    const cache = new CompiledTemplateCache({ compile });

    const results = await Promise.allSettled([cache.get('broken', SOURCE), cache.get('broken', SOURCE)]);
    await expect(cache.get('broken', SOURCE)).rejects.toThrow('attempt 2');

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(compile).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('refuses a maxEntries below one', () => {
    expect(() => new CompiledTemplateCache({ maxEntries: 0 })).toThrow(
      'maxEntries must be a positive integer, got 0',
    );
  });
});
