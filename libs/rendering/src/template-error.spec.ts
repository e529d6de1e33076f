import { compileEmailTemplate } from './compile-email-template';
import { TEMPLATE_ERROR_FIELD_LIMIT, TEMPLATE_ERROR_PROBLEM_LIMIT, TemplateError } from './template-error';

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('TemplateError', () => {
  it('names each problem in its message', () => {
    const error = new TemplateError('MISSING_VARIABLE', [
      { field: 'name', problem: 'is missing from the template data' },
      { field: 'order.total', problem: 'is null in the template data' },
    ]);

    expect(error.message).toBe(
      'MISSING_VARIABLE: name: is missing from the template data; order.total: is null in the template data',
    );
  });

  it('cuts what it quotes, and lists at most ten problems in its message', () => {
    const [longName, longProblem] = ['a'.repeat(150_000), `is ${'b'.repeat(150_000)}`];
    const problems = Array.from({ length: 100 }, (_, index) => ({
      field: `${index}${longName}`,
      problem: longProblem,
    }));

    const error = new TemplateError('INVALID_VARIABLE', problems);

    expect(error.problems).toHaveLength(100);
    for (const { field, problem } of error.problems) {
      expect(field.length).toBeLessThanOrEqual(TEMPLATE_ERROR_FIELD_LIMIT);
      expect(problem.length).toBeLessThanOrEqual(TEMPLATE_ERROR_PROBLEM_LIMIT);
    }
    expect(error.problems[1].field).toMatch(/^1a+…\[\+\d{3},\d{3} characters\]$/);
    expect(error.message.length).toBeLessThanOrEqual(
      10 * (TEMPLATE_ERROR_FIELD_LIMIT + TEMPLATE_ERROR_PROBLEM_LIMIT + 4) + 100,
    );
    expect(error.message).toMatch(/; and 90 more$/);
  });

  // The incident: a template stored before names were limited, rendered without data.
  it('fails a render of a template with a 150,000-character variable with a bounded error', async () => {
    const name = 'a'.repeat(150_000);
    const template = await compileEmailTemplate({ subject: 'Hello', mjml: mjml(`Hi {{ ${name} }}`) });

    let failure: unknown;
    try {
      template.render({});
    } catch (error) {
      failure = error;
    }

    expect(failure).toBeInstanceOf(TemplateError);
    const { code, problems, message } = failure as TemplateError;
    expect(code).toBe('MISSING_VARIABLE');
    expect(problems).toEqual([
      {
        field: expect.stringMatching(/^a+…\[\+149,\d{3} characters\]$/),
        problem: 'is missing from the template data',
      },
    ]);
    expect(message.length).toBeLessThan(TEMPLATE_ERROR_FIELD_LIMIT + 100);
  });
});
