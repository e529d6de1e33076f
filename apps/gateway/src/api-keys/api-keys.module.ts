import { Module } from '@nestjs/common';
import { ApiKeyStore } from '../auth/api-key-store';
import { AuthModule } from '../auth/auth.module';
import { KnownKeyHashes } from '../auth/known-key-hashes';
import { ApiKeysController } from './api-keys.controller';
import { ManageApiKeys } from './manage-api-keys.usecase';

@Module({
  imports: [AuthModule],
  controllers: [ApiKeysController],
  providers: [
    {
      provide: ManageApiKeys,
      useFactory: (store: ApiKeyStore, known: KnownKeyHashes) => new ManageApiKeys(store, known),
      inject: [ApiKeyStore, KnownKeyHashes],
    },
  ],
})
export class ApiKeysModule {}
