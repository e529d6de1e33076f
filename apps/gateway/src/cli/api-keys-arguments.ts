import { parseArgs } from 'node:util';
import {
  ApiKeyId,
  CreateApiKeyRequest,
  RotateApiKeyRequest,
  TenantId,
  validate,
} from '@switchboard/contracts';
import type { z } from 'zod';

export const API_KEYS_USAGE = `Usage: npm run api-keys -- <command> --tenant <tenant id> [options]

Manages a tenant's API keys from the operator's terminal, as an owner of the tenant
would through /v1/api-keys. Reads DATABASE_URL (the gateway's database) and runs the
gateway's migrations first if they have not run yet. A new key is printed once, alone
on standard output; only its hash is stored. Everything else goes to standard error.

Commands:
  create  --name <who uses the key> (--role <role> | --scopes <p1,p2,...>) [--expires <ISO time>]
  list    the tenant's keys as JSON (never the keys themselves)
  revoke  --key <key id>
  rotate  --key <key id> [--overlap <seconds the old key keeps working; default 86400>]

  --tenant  the tenant: 1-64 letters, digits, _ or -
  --role    owner, admin, editor, sender, viewer or auditor
  --scopes  permissions instead of a role, e.g. messages:send,messages:read
  --help    show this text`;

/** A command line that cannot be run; the message names each problem. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ApiKeysCommand =
  | { command: 'help' }
  | { command: 'create'; tenantId: string; request: CreateApiKeyRequest }
  | { command: 'list'; tenantId: string }
  | { command: 'revoke'; tenantId: string; keyId: string }
  | { command: 'rotate'; tenantId: string; keyId: string; request: RotateApiKeyRequest };

const COMMANDS = ['create', 'list', 'revoke', 'rotate'] as const;

export function parseApiKeysArguments(args: string[]): ApiKeysCommand {
  const { values, positionals } = readOptions(args);
  if (values.help) return { command: 'help' };
  const [named, ...stray] = positionals;
  if (named === undefined) throw new UsageError(`name a command: ${COMMANDS.join(', ')}`);
  const command = COMMANDS.find((candidate) => candidate === named);
  if (command === undefined) throw new UsageError(`unknown command "${named}": use ${COMMANDS.join(', ')}`);
  if (stray.length > 0) throw new UsageError(`unexpected argument "${stray[0]}"`);

  const problems: string[] = [];
  const check = <T>(option: string, schema: z.ZodType<T>, value: unknown): T | undefined => {
    const checked = validate(schema, value);
    if (checked.ok) return checked.value;
    problems.push(
      ...checked.problems.map(({ field, problem }) => `--${optionOf(field) ?? option}: ${problem}`),
    );
    return undefined;
  };
  const required = (option: keyof typeof values): void => {
    if (values[option] === undefined) problems.push(`--${option}: is required`);
  };
  const refuse = (option: keyof typeof values): void => {
    if (values[option] !== undefined) problems.push(`--${option}: does not apply to ${command}`);
  };

  required('tenant');
  const tenantId = values.tenant === undefined ? undefined : check('tenant', TenantId, values.tenant);
  let parsed: ApiKeysCommand | undefined;
  if (command === 'create') {
    required('name');
    refuse('key');
    refuse('overlap');
    const request = check('request', CreateApiKeyRequest, {
      name: values.name ?? '',
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.scopes === undefined ? {} : { scopes: values.scopes.split(',').map((s) => s.trim()) }),
      ...(values.expires === undefined ? {} : { expiresAt: values.expires }),
    });
    if (tenantId !== undefined && request !== undefined) parsed = { command, tenantId, request };
  } else if (command === 'list') {
    for (const option of ['name', 'role', 'scopes', 'expires', 'key', 'overlap'] as const) refuse(option);
    if (tenantId !== undefined) parsed = { command, tenantId };
  } else {
    required('key');
    for (const option of ['name', 'role', 'scopes', 'expires'] as const) refuse(option);
    if (command === 'revoke') refuse('overlap');
    const keyId = values.key === undefined ? undefined : check('key', ApiKeyId, values.key);
    const overlap = values.overlap === undefined ? {} : { overlapSeconds: Number(values.overlap) };
    const request = command === 'rotate' ? check('overlap', RotateApiKeyRequest, overlap) : undefined;
    if (tenantId !== undefined && keyId !== undefined) {
      if (command === 'revoke') parsed = { command, tenantId, keyId };
      else if (request !== undefined) parsed = { command, tenantId, keyId, request };
    }
  }
  if (problems.length > 0 || parsed === undefined) throw new UsageError(problems.join('\n'));
  return parsed;
}

// The request's fields as the command line names them.
const OPTION_OF_FIELD: Record<string, string> = {
  name: 'name',
  role: 'role',
  scopes: 'scopes',
  expiresAt: 'expires',
  overlapSeconds: 'overlap',
};

function optionOf(field: string): string | undefined {
  return OPTION_OF_FIELD[field.split('.')[0]];
}

function readOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        scopes: { type: 'string' },
        expires: { type: 'string' },
        key: { type: 'string' },
        overlap: { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
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
