import { parseArgs } from 'node:util';
import { TenantId, validate } from '@switchboard/contracts';
import { z } from 'zod';
import type { CreateApiKeyRequest } from '../auth/create-api-key.usecase';

export const CREATE_API_KEY_USAGE = `Usage: npm run api-key:create -- --tenant <tenant id> --name <who uses the key>

Creates an API key for a tenant and prints it once, alone on standard output;
only its hash is stored. Reads DATABASE_URL (the gateway's database) and runs
the gateway's migrations first if they have not run yet.

  --tenant  the tenant the key authenticates as: 1-64 letters, digits, _ or -
  --name    who uses the key, e.g. "billing system" (1-200 characters)
  --help    show this text`;

// As long as the api_keys.name column allows.
const ApiKeyName = z.string().trim().min(1).max(200);

/** A command line that cannot be run; the message names each problem. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CreateApiKeyCommand = { help: true } | { help: false; request: CreateApiKeyRequest };

export function parseCreateApiKeyArguments(args: string[]): CreateApiKeyCommand {
  const values = readOptions(args);
  if (values.help) return { help: true };

  const problems: string[] = [];
  const check = <T>(option: string, schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    if (value === undefined) {
      problems.push(`--${option}: is required`);
      return undefined;
    }
    const checked = validate(schema, value);
    if (checked.ok) return checked.value;
    problems.push(...checked.problems.map(({ problem }) => `--${option}: ${problem}`));
    return undefined;
  };
  const tenantId = check('tenant', TenantId, values.tenant);
  const name = check('name', ApiKeyName, values.name);
  if (tenantId === undefined || name === undefined) throw new UsageError(problems.join('\n'));
  return { help: false, request: { tenantId, name } };
}

function readOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: { tenant: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }).values;
  } catch (error) {
    // node:util reports unknown options, stray arguments and missing values with ERR_PARSE_ARGS_* codes.
    const message = parseArgsErrorMessage(error);
    if (message !== undefined) throw new UsageError(message);
    throw error;
  }
}

// Duck-typed: Node's own errors may come from another realm (test sandboxes), where instanceof fails.
function parseArgsErrorMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || !('message' in error)) {
    return undefined;
  }
  return String(error.code).startsWith('ERR_PARSE_ARGS_') ? String(error.message) : undefined;
}
