import { Logger } from '@nestjs/common';
import { createDataSource } from '@switchboard/persistence';
import { StructuredLogger } from '@switchboard/telemetry';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { type ChainVerification, VerifyAuditChain } from '../audit/verify-audit-chain.usecase';
import { loadOperatorCommandConfig } from '../config';
import { gatewayDatabaseOptions } from '../gateway-database';
import {
  AUDIT_VERIFY_USAGE,
  AuditVerifyUsageError,
  parseAuditVerifyArguments,
} from './audit-verify-arguments';

// One line per chain on stdout, for scripts; everything else on stderr.
const tell = (text: string) => process.stderr.write(`${text}\n`);
const EXIT_BROKEN = 1;
const EXIT_USAGE = 2;

async function auditVerifyCommand(args: string[]): Promise<number> {
  let command;
  try {
    command = parseAuditVerifyArguments(args);
  } catch (error) {
    if (!(error instanceof AuditVerifyUsageError)) throw error;
    tell(`${error.message}\n\n${AUDIT_VERIFY_USAGE}`);
    return EXIT_USAGE;
  }
  if (command.help) {
    process.stdout.write(`${AUDIT_VERIFY_USAGE}\n`);
    return 0;
  }
  const config = loadOperatorCommandConfig();
  Logger.overrideLogger(new StructuredLogger('gateway', 'error', { sink: tell }));

  // Read only: no migrations are run, so a database without the audit log says so.
  const dataSource = await createDataSource(gatewayDatabaseOptions(config.DATABASE_URL, 1)).initialize();
  try {
    // Appends nothing: no deadline to keep.
    const auditLog = new AuditLogRepository(dataSource, 0);
    const verify = new VerifyAuditChain(auditLog);
    const chains = command.chain === 'every' ? await auditLog.chains() : [command.chain];
    let broken = 0;
    for (const chain of chains) {
      const verification = await verify.execute(chain);
      process.stdout.write(`${describe(verification)}\n`);
      if (!verification.ok) broken += 1;
    }
    tell(
      chains.length === 0
        ? 'The audit log has no entries yet.'
        : `${chains.length - broken} of ${chains.length} chain(s) verified.`,
    );
    return broken === 0 ? 0 : EXIT_BROKEN;
  } finally {
    await dataSource.destroy();
  }
}

function describe(verification: ChainVerification): string {
  if (verification.ok) {
    const head =
      verification.head === null ? 'empty' : `head ${verification.head.sequence} ${verification.head.hash}`;
    return `${verification.chain} ok ${verification.entries} entries, ${head}`;
  }
  const { sequence, id, problem, detail } = verification.broken;
  return `${verification.chain} BROKEN at sequence ${sequence} (entry ${id}): ${problem}: ${detail}`;
}

auditVerifyCommand(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    tell(`Could not verify the audit log: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_BROKEN;
  },
);
