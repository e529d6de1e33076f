import { parseArgs } from 'node:util';
import { TenantId } from '@switchboard/contracts';
import { PLATFORM_CHAIN, tenantChain } from '../audit/audit-entry';

export const AUDIT_VERIFY_USAGE = `Usage: npm run audit:verify -- [--tenant <tenant id> | --platform]

Recomputes the audit log's hash chains and names the first broken entry of each.
  --tenant <id>   only that tenant's chain
  --platform      only the platform operators' chain
  (neither)       every chain in the database

Exit code: 0 every chain verified, 1 a chain is broken or the check failed, 2 bad arguments.
Reads DATABASE_URL.`;

/** Arguments the command cannot work with; the message says which. */
export class AuditVerifyUsageError extends Error {}

export type AuditVerifyCommand = { help: true } | { help: false; chain: string | 'every' };

export function parseAuditVerifyArguments(args: string[]): AuditVerifyCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        platform: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AuditVerifyUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };
  if (values.tenant !== undefined && values.platform === true) {
    throw new AuditVerifyUsageError('give --tenant or --platform, not both');
  }
  if (values.platform === true) return { help: false, chain: PLATFORM_CHAIN };
  if (values.tenant === undefined) return { help: false, chain: 'every' };
  const tenant = TenantId.safeParse(values.tenant);
  if (!tenant.success) {
    throw new AuditVerifyUsageError(`--tenant ${tenant.error.issues[0]?.message ?? 'is not a tenant id'}`);
  }
  return { help: false, chain: tenantChain(tenant.data) };
}
