import type { CreateTemplateVersionRequest } from '@switchboard/contracts';
import { CreateTemplateVersionUsecase, type TemplateVersionAdder } from './create-template-version.usecase';
import { TemplateApiError } from './template-api.error';
import type { TemplateVersionDetails } from './template.repository';

const VALID_MJML =
  '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

class MemoryVersions implements TemplateVersionAdder {
  readonly versions = new Map<string, TemplateVersionDetails[]>([['acme/welcome', []]]);

  async addVersion(tenantId: string, key: string, request: CreateTemplateVersionRequest) {
    const list = this.versions.get(`${tenantId}/${key}`);
    if (!list) return undefined;
    const version = { version: list.length + 1, ...request, createdAt: new Date() };
    list.push(version);
    return version;
  }
}

describe('CreateTemplateVersionUsecase', () => {
  it('adds the next version and tells the render cache', async () => {
    const templates = new MemoryVersions();
    const created: string[] = [];
    const usecase = new CreateTemplateVersionUsecase(templates, (tenantId, key) =>
      created.push(`${tenantId}/${key}`),
    );
    await usecase.execute('acme', 'welcome', { subject: 'One', mjml: VALID_MJML });
    const second = await usecase.execute('acme', 'welcome', { subject: 'Two', mjml: VALID_MJML });
    expect(second).toMatchObject({ version: 2, subject: 'Two' });
    expect(created).toEqual(['acme/welcome', 'acme/welcome']);
  });

  it("reports another tenant's or an unknown template as not found", async () => {
    const usecase = new CreateTemplateVersionUsecase(new MemoryVersions());
    await expect(usecase.execute('globex', 'welcome', { subject: 'x', mjml: VALID_MJML })).rejects.toEqual(
      expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }),
    );
  });

  it('refuses a version whose MJML does not compile', async () => {
    const templates = new MemoryVersions();
    const attempt = new CreateTemplateVersionUsecase(templates).execute('acme', 'welcome', {
      subject: 'x',
      mjml: '<mjml><mj-body><mj-column></mj-body>',
    });
    await expect(attempt).rejects.toBeInstanceOf(TemplateApiError);
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_TEMPLATE' });
    expect(templates.versions.get('acme/welcome')).toEqual([]);
  });
});
