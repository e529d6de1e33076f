import { Module } from '@nestjs/common';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { HashedSuppressionStore } from '../privacy/hashed-suppression-store';
import { AddSuppression } from './add-suppression.usecase';
import { EncryptPlaintextSuppressions } from './encrypt-plaintext-suppressions';
import { ListSuppressions } from './list-suppressions.usecase';
import { SuppressionRepository } from './suppression.repository';
import { RemoveSuppression } from './remove-suppression.usecase';
import { SuppressionStore } from './suppression';
import { SuppressionsController } from './suppressions.controller';

@Module({
  controllers: [SuppressionsController],
  providers: [
    SuppressionRepository,
    EncryptPlaintextSuppressions,
    {
      // Erased recipients' suppressions are found by the blind index of the address asked about.
      provide: SuppressionStore,
      useFactory: (plain: SuppressionRepository, dataSource: DataSource, encryption: Encryption) =>
        new HashedSuppressionStore(plain, dataSource, encryption.blindIndex),
      inject: [SuppressionRepository, DataSource, ENCRYPTION],
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
