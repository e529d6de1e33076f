import { Logger } from '@nestjs/common';
import { createDataSource, migrate } from '@switchboard/persistence';
import { StructuredLogger } from '@switchboard/telemetry';
import { PostgresApiKeyStore } from '../auth/postgres-api-key-store';
import { CreateApiKey } from '../auth/create-api-key.usecase';
import { loadOperatorCommandConfig } from '../config';
import { GATEWAY_SCHEMA, gatewayDatabaseOptions } from '../gateway-database';
import { CREATE_API_KEY_USAGE, parseCreateApiKeyArguments, UsageError } from './create-api-key-arguments';

// The operator's terminal and scripts read standard output for the key alone; all else goes to stderr.
const tell = (text: string) => process.stderr.write(`${text}\n`);
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function createApiKeyCommand(args: string[]): Promise<number> {
  let command;
  try {
    command = parseCreateApiKeyArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    tell(`${error.message}\n\n${CREATE_API_KEY_USAGE}`);
    return EXIT_USAGE;
  }
  if (command.help) {
    process.stdout.write(`${CREATE_API_KEY_USAGE}\n`);
    return 0;
  }
  const { tenantId, name } = command.request;
  const config = loadOperatorCommandConfig();
  // TypeORM's migration chatter would land on stdout through Nest's default logger.
  Logger.overrideLogger(new StructuredLogger('gateway', 'error', { sink: tell }));

  const dataSource = await createDataSource(gatewayDatabaseOptions(config.DATABASE_URL, 1)).initialize();
  try {
    const applied = await migrate(dataSource, GATEWAY_SCHEMA);
    if (applied.length > 0) tell(`Applied the gateway's migrations: ${applied.join(', ')}.`);
    const key = await new CreateApiKey(new PostgresApiKeyStore(dataSource)).execute({ tenantId, name });
    process.stdout.write(`${key}\n`);
    tell(`Created API key "${name}" for tenant ${tenantId}. Store it now: it is not shown again.`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

createApiKeyCommand(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    tell(`Could not create the API key: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_FAILED;
  },
);
