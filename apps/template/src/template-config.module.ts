import { type DynamicModule, Module } from '@nestjs/common';
import type { TemplateConfig } from './config';

export const TEMPLATE_CONFIG = Symbol('TEMPLATE_CONFIG');

/** Makes the one validated config object injectable everywhere as TEMPLATE_CONFIG. */
@Module({})
export class TemplateConfigModule {
  static forRoot(config: TemplateConfig): DynamicModule {
    return {
      module: TemplateConfigModule,
      global: true,
      providers: [{ provide: TEMPLATE_CONFIG, useValue: config }],
      exports: [TEMPLATE_CONFIG],
    };
  }
}
