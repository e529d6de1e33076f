import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { isInfrastructureFault } from '@switchboard/faults';
import { createDataSource, type DatabaseOptions } from './data-source';
import { DatabaseHealthIndicator } from './database-health.indicator';
import { migrate } from './migrate';

// Covers a database that starts after the service (docker compose); anything else fails at once.
const CONNECT_RETRY_ATTEMPTS = 10;
const CONNECT_RETRY_DELAY_MS = 1_000;
/**
 * The service's data source, initialised and migrated before the app serves. Global: features use
 * TypeOrmModule.forFeature, @InjectRepository and @InjectDataSource, and DatabaseHealthIndicator.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            retryAttempts: CONNECT_RETRY_ATTEMPTS,
            retryDelay: CONNECT_RETRY_DELAY_MS,
            toRetry: isInfrastructureFault,
          }),
          dataSourceFactory: async () => {
            const dataSource = await createDataSource(options).initialize();
            try {
              await migrate(dataSource, options.schema);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
      ],
      providers: [DatabaseHealthIndicator],
      exports: [TypeOrmModule, DatabaseHealthIndicator],
    };
  }
}
