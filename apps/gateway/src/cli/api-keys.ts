import { Logger } from '@nestjs/common';
import { createDataSource, migrate } from '@switchboard/persistence';
import { ProblemException } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import { type KeyManager, ManageApiKeys } from '../api-keys/manage-api-keys.usecase';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { loadOperatorCommandConfig } from '../config';
import { GATEWAY_SCHEMA, gatewayDatabaseOptions } from '../gateway-database';
import { API_KEYS_USAGE, type ApiKeysCommand, parseApiKeysArguments, UsageError } from './api-keys-arguments';

// The operator's terminal and scripts read standard output for the key alone; all else goes to stderr.
const tell = (text: string) => process.stderr.write(`${text}\n`);
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function apiKeysCommand(args: string[]): Promise<number> {
  let command: ApiKeysCommand;
  try {
    command = parseApiKeysArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    tell(`${error.message}\n\n${API_KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  if (command.command === 'help') {
    process.stdout.write(`${API_KEYS_USAGE}\n`);
    return 0;
  }
  const config = loadOperatorCommandConfig();
  // TypeORM's migration chatter would land on stdout through Nest's default logger.
  Logger.overrideLogger(new StructuredLogger('gateway', 'error', { sink: tell }));

  const dataSource = await createDataSource(gatewayDatabaseOptions(config.DATABASE_URL, 1)).initialize();
  try {
    const applied = await migrate(dataSource, GATEWAY_SCHEMA);
    if (applied.length > 0) tell(`Applied the gateway's migrations: ${applied.join(', ')}.`);
    const apiKeys = new ManageApiKeys(new ApiKeyRepository(dataSource), undefined, undefined);
    // The operator acts for the tenant with every permission; gateways learn of a new key by themselves.
    const operator: KeyManager = { tenantId: command.tenantId, keyId: null, permissions: 'all' };
    switch (command.command) {
      case 'create': {
        const created = await apiKeys.create(operator, command.request);
        process.stdout.write(`${created.key}\n`);
        tell(
          `Created API key "${created.name}" (${created.id}, ${created.role ?? 'scopes'}) for tenant ${command.tenantId}. ` +
            'Store it now: it is not shown again.',
        );
        return 0;
      }
      case 'list':
        process.stdout.write(`${JSON.stringify(await apiKeys.list(command.tenantId), null, 2)}\n`);
        return 0;
      case 'revoke':
        await apiKeys.revoke(operator, command.keyId);
        tell(`Revoked API key ${command.keyId} of tenant ${command.tenantId}.`);
        return 0;
      case 'rotate': {
        const rotated = await apiKeys.rotate(operator, command.keyId, command.request);
        process.stdout.write(`${rotated.key}\n`);
        tell(
          `Rotated API key ${command.keyId} to ${rotated.id}; the old key works for ${command.request.overlapSeconds} s more. ` +
            'Store the new key now: it is not shown again.',
        );
        return 0;
      }
    }
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    tell(`${error.code}: ${error.detail}`);
    return EXIT_FAILED;
  } finally {
    await dataSource.destroy();
  }
}

apiKeysCommand(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    tell(`The command failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_FAILED;
  },
);
