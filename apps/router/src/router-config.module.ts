import { type DynamicModule, Module } from '@nestjs/common';
import type { RouterConfig } from './config';

export const ROUTER_CONFIG = Symbol('ROUTER_CONFIG');

/** Makes the one validated config object injectable everywhere as ROUTER_CONFIG. */
@Module({})
export class RouterConfigModule {
  static forRoot(config: RouterConfig): DynamicModule {
    return {
      module: RouterConfigModule,
      global: true,
      providers: [{ provide: ROUTER_CONFIG, useValue: config }],
      exports: [ROUTER_CONFIG],
    };
  }
}
