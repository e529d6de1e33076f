import { type DynamicModule, Module } from '@nestjs/common';
import type { AnalyticsConfig } from './config';

export const ANALYTICS_CONFIG = Symbol('ANALYTICS_CONFIG');

/** Makes the one validated config object injectable everywhere as ANALYTICS_CONFIG. */
@Module({})
export class AnalyticsConfigModule {
  static forRoot(config: AnalyticsConfig): DynamicModule {
    return {
      module: AnalyticsConfigModule,
      global: true,
      providers: [{ provide: ANALYTICS_CONFIG, useValue: config }],
      exports: [ANALYTICS_CONFIG],
    };
  }
}
