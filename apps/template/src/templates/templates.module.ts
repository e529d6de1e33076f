import { Module } from '@nestjs/common';
import { TEMPLATE_CONFIG, type TemplateConfig } from '../config';
import { TemplateVersionCache } from './template-version-cache';
import { CreateTemplateVersionUsecase } from './create-template-version.usecase';
import { CreateTemplateUsecase } from './create-template.usecase';
import { TemplateRepository } from './template.repository';
import { TemplatesController } from './templates.controller';

@Module({
  controllers: [TemplatesController],
  providers: [
    TemplateRepository,
    {
      provide: TemplateVersionCache,
      useFactory: (templates: TemplateRepository, config: TemplateConfig) =>
        new TemplateVersionCache(templates, { ttlMs: config.TEMPLATE_VERSION_CACHE_TTL }),
      inject: [TemplateRepository, TEMPLATE_CONFIG],
    },
    {
      provide: CreateTemplateUsecase,
      useFactory: (templates: TemplateRepository) => new CreateTemplateUsecase(templates),
      inject: [TemplateRepository],
    },
    {
      provide: CreateTemplateVersionUsecase,
      useFactory: (templates: TemplateRepository, versions: TemplateVersionCache) =>
        new CreateTemplateVersionUsecase(templates, (tenantId, key) => versions.forget(tenantId, key)),
      inject: [TemplateRepository, TemplateVersionCache],
    },
  ],
  exports: [TemplateVersionCache],
})
export class TemplatesModule {}
