import { type DynamicModule, Module } from '@nestjs/common';
import type { SenderInappConfig } from './config';

export const SENDER_INAPP_CONFIG = Symbol('SENDER_INAPP_CONFIG');

/** Makes the one validated config object injectable everywhere as SENDER_INAPP_CONFIG. */
@Module({})
export class SenderInappConfigModule {
  static forRoot(config: SenderInappConfig): DynamicModule {
    return {
      module: SenderInappConfigModule,
      global: true,
      providers: [{ provide: SENDER_INAPP_CONFIG, useValue: config }],
      exports: [SENDER_INAPP_CONFIG],
    };
  }
}
