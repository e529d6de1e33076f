import { Module } from '@nestjs/common';
import { AddSuppression } from './add-suppression.usecase';
import { PgSuppressionStore } from './pg-suppression-store';
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
  ],
  exports: [SuppressionStore],
})
export class SuppressionsModule {}
