import type { CreateTemplateVersionRequest } from '@switchboard/contracts';
import type { TemplateVersionDetails } from './template.repository';
import { TemplateApiError } from './template-api.error';
import { assertRenderable } from './assert-renderable';

export interface TemplateVersionAdder {
  addVersion(
    tenantId: string,
    key: string,
    request: CreateTemplateVersionRequest,
  ): Promise<TemplateVersionDetails | undefined>;
}

/** Adds the next immutable version, which becomes current for messages accepted from now on. */
export class CreateTemplateVersionUsecase {
  constructor(
    private readonly templates: TemplateVersionAdder,
    private readonly onVersionCreated: (tenantId: string, key: string) => void = () => undefined,
  ) {}

  async execute(
    tenantId: string,
    key: string,
    request: CreateTemplateVersionRequest,
  ): Promise<TemplateVersionDetails> {
    await assertRenderable(request);
    const version = await this.templates.addVersion(tenantId, key, request);
    if (!version) throw new TemplateApiError('TEMPLATE_NOT_FOUND', `template ${key} does not exist`);
    this.onVersionCreated(tenantId, key);
    return version;
  }
}
