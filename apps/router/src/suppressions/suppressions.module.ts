import { Module } from '@nestjs/common';
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
    { provide: SuppressionStore, useExisting: PgSuppressionStore },
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
