import { Module } from '@nestjs/common';
import { BlindIndex } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import type { RouterConfig } from '../config';
import { HashedSuppressionStore } from '../privacy/hashed-suppression-store';
import { ROUTER_CONFIG } from '../router-config.module';
import { AddSuppression } from './add-suppression.usecase';
import { ListSuppressions } from './list-suppressions.usecase';
import { PgSuppressionStore } from './pg-suppression-store';
import { RemoveSuppression } from './remove-suppression.usecase';
import { SuppressionStore } from './suppression';
import { SuppressionsController } from './suppressions.controller';

@Module({
  controllers: [SuppressionsController],
  providers: [
    PgSuppressionStore,
    {
      // Erased recipients' suppressions are found by the blind index of the address asked about.
      provide: SuppressionStore,
      useFactory: (plain: PgSuppressionStore, dataSource: DataSource, config: RouterConfig) =>
        config.BLIND_INDEX_KEY
          ? new HashedSuppressionStore(plain, dataSource, new BlindIndex(config.BLIND_INDEX_KEY))
          : plain,
      inject: [PgSuppressionStore, DataSource, ROUTER_CONFIG],
    },
    {
      provide: AddSuppression,
      useFactory: (store: SuppressionStore) => new AddSuppression(store),
      inject: [SuppressionStore],
    },
    {
      provide: ListSuppressions,
      useFactory: (store: SuppressionStore) => new ListSuppressions(store),
      inject: [SuppressionStore],
    },
    {
      provide: RemoveSuppression,
      useFactory: (store: SuppressionStore) => new RemoveSuppression(store),
      inject: [SuppressionStore],
    },
  ],
  exports: [SuppressionStore],
})
export class SuppressionsModule {}
