import { Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../gateway-config.module';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStore } from './api-key-store';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { EnsureDevelopmentApiKey } from './ensure-development-api-key.usecase';
import { PostgresApiKeyStore } from './postgres-api-key-store';

const API_KEY_CACHE_MAX_ENTRIES = 10_000;

/** Ensures SWITCHBOARD_DEV_API_KEY before the API starts listening. */
@Injectable()
export class DevelopmentApiKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(DevelopmentApiKeyBootstrap.name);

  constructor(
    private readonly ensureDevelopmentApiKey: EnsureDevelopmentApiKey,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.SWITCHBOARD_DEV_API_KEY;
    if (key === undefined) return;
    await this.ensureDevelopmentApiKey.execute(key, this.config.SWITCHBOARD_DEV_TENANT);
    this.logger.log(`development API key is active for tenant ${this.config.SWITCHBOARD_DEV_TENANT}`);
  }
}

@Module({
  providers: [
    {
      provide: ApiKeyStore,
      useFactory: (dataSource: DataSource) => new PostgresApiKeyStore(dataSource),
      inject: [DataSource],
    },
    {
      provide: AuthenticateApiKey,
      useFactory: (store: ApiKeyStore, config: GatewayConfig) =>
        new AuthenticateApiKey(store, {
          ttlMs: config.API_KEY_CACHE_TTL,
          maxEntries: API_KEY_CACHE_MAX_ENTRIES,
        }),
      inject: [ApiKeyStore, GATEWAY_CONFIG],
    },
    {
      provide: EnsureDevelopmentApiKey,
      useFactory: (store: ApiKeyStore) => new EnsureDevelopmentApiKey(store),
      inject: [ApiKeyStore],
    },
    DevelopmentApiKeyBootstrap,
    ApiKeyGuard,
  ],
  exports: [AuthenticateApiKey, ApiKeyGuard],
})
export class AuthModule {}
