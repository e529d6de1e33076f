import type { CreateTemplateRequest } from '@switchboard/contracts';
import { CreateTemplateUsecase, type TemplateCreator } from './create-template.usecase';
import { TemplateApiError } from './template-api.error';
import type { TemplateDetails } from './template.repository';

const VALID_MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

function request(overrides: Partial<CreateTemplateRequest> = {}): CreateTemplateRequest {
  return {
    key: 'welcome',
    name: 'Welcome',
    subject: 'Hi {{ name }}',
    mjml: VALID_MJML,
    channel: 'email',
    ...overrides,
  };
}

class MemoryTemplates implements TemplateCreator {
  readonly stored = new Map<string, TemplateDetails>();

  async createWithFirstVersion(tenantId: string, input: CreateTemplateRequest) {
    const id = `${tenantId}/${input.key}`;
    if (this.stored.has(id)) return undefined;
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const details: TemplateDetails = {
      key: input.key,
      name: input.name,
      channel: 'email',
      channels: ['email'],
      currentVersion: 1,
      createdAt,
      versions: [{ version: 1, subject: input.subject, mjml: input.mjml, createdAt }],
    };
    this.stored.set(id, details);
    return details;
  }
}

async function failure(work: Promise<unknown>): Promise<TemplateApiError> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof TemplateApiError))
    throw new Error(`expected a TemplateApiError, got ${String(error)}`);
  return error;
}

describe('CreateTemplateUsecase', () => {
  it('stores a template with version 1', async () => {
    const templates = new MemoryTemplates();
    const created = await new CreateTemplateUsecase(templates).execute('acme', request());
    expect(created).toMatchObject({ key: 'welcome', currentVersion: 1, versions: [{ version: 1 }] });
  });

  it('refuses a key the tenant already uses, but not one another tenant uses', async () => {
    const usecase = new CreateTemplateUsecase(new MemoryTemplates());
    await usecase.execute('acme', request());
    await expect(usecase.execute('globex', request())).resolves.toMatchObject({ key: 'welcome' });
    const error = await failure(usecase.execute('acme', request()));
    expect(error.code).toBe('TEMPLATE_KEY_TAKEN');
  });

  it('refuses MJML that does not compile, naming each problem, and stores nothing', async () => {
    const templates = new MemoryTemplates();
    const error = await failure(
      new CreateTemplateUsecase(templates).execute(
        'acme',
        request({
          mjml: '<mjml><mj-body><mj-section><mj-text>loose</mj-text></mj-section></mj-body></mjml>',
        }),
      ),
    );
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.problems).toEqual([
      { field: 'mjml', problem: expect.stringMatching(/mj-text cannot be used inside mj-section/) },
    ]);
    expect(templates.stored.size).toBe(0);
  });

  it('refuses a malformed placeholder in the subject', async () => {
    const error = await failure(
      new CreateTemplateUsecase(new MemoryTemplates()).execute(
        'acme',
        request({ subject: 'Hi {{ first name }}' }),
      ),
    );
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.problems[0].field).toBe('subject');
  });

  it('refuses a malformed placeholder in any channel part, naming the field and line', async () => {
    const error = await failure(
      new CreateTemplateUsecase(new MemoryTemplates()).execute(
        'acme',
        request({
          sms: { text: 'Hi {{ name }}\nYour code is {{ code!! }}' },
          inapp: { title: 'Hi {{ name }', body: 'Welcome' },
        }),
      ),
    );
    expect(error.code).toBe('INVALID_TEMPLATE');
    expect(error.problems).toEqual([
      { field: 'sms.text', problem: expect.stringMatching(/^line 2: "\{\{ code!! \}\}" is not a variable/) },
      { field: 'inapp.title', problem: expect.stringContaining('is not a variable') },
    ]);
  });
});
