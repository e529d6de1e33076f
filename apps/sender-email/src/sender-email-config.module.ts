import { type DynamicModule, Module } from '@nestjs/common';
import type { SenderEmailConfig } from './config';

export const SENDER_EMAIL_CONFIG = Symbol('SENDER_EMAIL_CONFIG');

/** Makes the one validated config object injectable everywhere as SENDER_EMAIL_CONFIG. */
@Module({})
export class SenderEmailConfigModule {
  static forRoot(config: SenderEmailConfig): DynamicModule {
    return {
      module: SenderEmailConfigModule,
      global: true,
      providers: [{ provide: SENDER_EMAIL_CONFIG, useValue: config }],
      exports: [SENDER_EMAIL_CONFIG],
    };
  }
}
