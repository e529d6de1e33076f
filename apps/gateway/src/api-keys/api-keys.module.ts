import { Module } from '@nestjs/common';
import { ApiKeyStore } from '../auth/api-key-store';
import { AuthModule } from '../auth/auth.module';
import { AuthenticateApiKey } from '../auth/authenticate-api-key.usecase';
import { KnownKeyHashes } from '../auth/known-key-hashes';
import { ApiKeysController } from './api-keys.controller';
import { ManageApiKeys } from './manage-api-keys.usecase';

@Module({
  imports: [AuthModule],
  controllers: [ApiKeysController],
  providers: [
    {
      provide: ManageApiKeys,
      useFactory: (store: ApiKeyStore, known: KnownKeyHashes, authentication: AuthenticateApiKey) =>
        new ManageApiKeys(store, known, authentication),
      inject: [ApiKeyStore, KnownKeyHashes, AuthenticateApiKey],
    },
  ],
})
export class ApiKeysModule {}
