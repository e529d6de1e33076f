import { type DynamicModule, Module } from '@nestjs/common';
import type { GatewayConfig } from './config';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Makes the one validated config object injectable everywhere as GATEWAY_CONFIG. */
@Module({})
export class GatewayConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayConfigModule,
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
