import { type DynamicModule, Module } from '@nestjs/common';
import type { IngestConfig } from './config';

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

/** Makes the one validated config object injectable everywhere as INGEST_CONFIG. */
@Module({})
export class IngestConfigModule {
  static forRoot(config: IngestConfig): DynamicModule {
    return {
      module: IngestConfigModule,
      global: true,
      providers: [{ provide: INGEST_CONFIG, useValue: config }],
      exports: [INGEST_CONFIG],
    };
  }
}
