import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AccessGuard } from './access.guard';
import { ApiKeyStore } from './api-key-store';
import { ApiKeyUsage } from './api-key-usage';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { EnsureDevelopmentApiKey } from './ensure-development-api-key.usecase';
import { KnownKeyHashes } from './known-key-hashes';
import { ApiKeyRepository } from './api-key.repository';

const API_KEY_CACHE_MAX_ENTRIES = 10_000;
// However many unknown bearer tokens arrive, the keys table is read at most this often for them.
const UNKNOWN_KEY_REFRESH_INTERVAL_MS = 1_000;
// Last use is shown to the minute; writing it more often would cost a write per busy key.
const LAST_USE_FLUSH_INTERVAL_MS = 60_000;

/** Ensures SWITCHBOARD_DEV_API_KEY before the API starts listening, and says when it cannot. */
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
    const tenant = this.config.SWITCHBOARD_DEV_TENANT;
    const state = await this.ensureDevelopmentApiKey.execute(key, tenant);
    if (state === 'revoked') {
      this.logger.warn(
        'SWITCHBOARD_DEV_API_KEY was revoked or has expired and stays so: configure a new key to use one',
      );
    } else if (state === 'other-tenant') {
      this.logger.warn(
        `SWITCHBOARD_DEV_API_KEY belongs to another tenant than ${tenant} and stays there: configure a new key for ${tenant}`,
      );
    } else {
      this.logger.log(`development API key is active for tenant ${tenant}`);
    }
  }
}

/** Writes the last uses of keys still in memory when the gateway stops. */
@Injectable()
export class ApiKeyUsageShutdown implements OnApplicationShutdown {
  constructor(private readonly usage: ApiKeyUsage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.usage.flush();
  }
}

@Module({
  providers: [
    {
      provide: ApiKeyStore,
      useFactory: (dataSource: DataSource) => new ApiKeyRepository(dataSource),
      inject: [DataSource],
    },
    {
      provide: KnownKeyHashes,
      useFactory: (store: ApiKeyStore) =>
        new KnownKeyHashes(store, { refreshIntervalMs: UNKNOWN_KEY_REFRESH_INTERVAL_MS }),
      inject: [ApiKeyStore],
    },
    {
      provide: ApiKeyUsage,
      useFactory: (store: ApiKeyStore) => new ApiKeyUsage(store, LAST_USE_FLUSH_INTERVAL_MS),
      inject: [ApiKeyStore],
    },
    {
      provide: AuthenticateApiKey,
      useFactory: (store: ApiKeyStore, known: KnownKeyHashes, usage: ApiKeyUsage, config: GatewayConfig) =>
        new AuthenticateApiKey(store, known, usage, {
          ttlMs: config.API_KEY_CACHE_TTL,
          maxEntries: API_KEY_CACHE_MAX_ENTRIES,
        }),
      inject: [ApiKeyStore, KnownKeyHashes, ApiKeyUsage, GATEWAY_CONFIG],
    },
    {
      provide: EnsureDevelopmentApiKey,
      useFactory: (store: ApiKeyStore) => new EnsureDevelopmentApiKey(store),
      inject: [ApiKeyStore],
    },
    DevelopmentApiKeyBootstrap,
    ApiKeyUsageShutdown,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthenticateApiKey, ApiKeyStore, KnownKeyHashes],
})
export class AuthModule {}
