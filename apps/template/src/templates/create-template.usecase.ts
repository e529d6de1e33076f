import type { CreateTemplateRequest } from '@switchboard/contracts';
import type { TemplateDetails } from './template.repository';
import { TemplateApiError } from './template-api.error';
import { assertRenderable } from './assert-renderable';

export interface TemplateCreator {
  createWithFirstVersion(
    tenantId: string,
    request: CreateTemplateRequest,
  ): Promise<TemplateDetails | undefined>;
}

/** A new template with its first version; the MJML must compile before anything is stored. */
export class CreateTemplateUsecase {
  constructor(private readonly templates: TemplateCreator) {}

  async execute(tenantId: string, request: CreateTemplateRequest): Promise<TemplateDetails> {
    await assertRenderable(request);
    const created = await this.templates.createWithFirstVersion(tenantId, request);
    if (!created) throw new TemplateApiError('TEMPLATE_KEY_TAKEN', `template ${request.key} already exists`);
    return created;
  }
}
