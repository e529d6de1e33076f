import { constants } from 'node:os';
import { Pool } from 'pg';
import { keyProviderFrom } from '../create-encryption';
import type { KeyProvider } from '../key-provider';
import { DATA_KEYS_TABLE, qualified, type SqlQuery } from '../key-tables';
import { rotateDataKeys, type RotationReport } from '../rotate-data-keys';
import { type RotateKeysConfig, loadRotateKeysConfig } from './rotate-keys-config';
import { ROTATE_KEYS_USAGE, RotateKeysUsageError, parseRotateKeysArguments } from './rotate-keys-arguments';

// The counts and the summary go to stdout, for scripts; progress and everything else to stderr.
// Only key ids and master key ids are ever printed, never a key.
const say = (text: string) => process.stdout.write(`${text}\n`);
const tell = (text: string) => process.stderr.write(`${text}\n`);
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

type StopSignal = 'SIGINT' | 'SIGTERM';

async function rotateKeysCommand(args: string[]): Promise<number> {
  let command;
  try {
    command = parseRotateKeysArguments(args);
  } catch (error) {
    if (!(error instanceof RotateKeysUsageError)) throw error;
    tell(`${error.message}\n\n${ROTATE_KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  if (command.help) {
    say(ROTATE_KEYS_USAGE);
    return 0;
  }
  const config = loadRotateKeysConfig();
  // keyProviderFrom reads only the provider's variables; the others a service also sets do not apply.
  const provider = keyProviderFrom({
    ...config,
    BLIND_INDEX_KEY: Buffer.alloc(0),
    ENCRYPTION_KEY_CACHE_TTL: 0,
  });
  const table = qualified(config.ENCRYPTION_SCHEMA, DATA_KEYS_TABLE);

  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  // An idle connection the server ends (a restart) must not crash the command; the next query reports it.
  pool.on('error', () => undefined);
  const query: SqlQuery = async (sql, params) => (await pool.query(sql, params)).rows;
  try {
    const [{ found }] = (await query('SELECT to_regclass($1) IS NOT NULL AS found', [table])) as {
      found: boolean;
    }[];
    if (!found) {
      tell(
        `There is no table ${table}: ENCRYPTION_SCHEMA (${config.ENCRYPTION_SCHEMA}) must name the schema ` +
          'the services keep their data keys in.',
      );
      return EXIT_FAILED;
    }
    const waiting = await keysByMasterKey(query, table, provider.wrappingKeyId);
    if (command.dryRun) return dryRun(waiting, provider.wrappingKeyId, config);
    return await rotate(query, config.ENCRYPTION_SCHEMA, provider, command.batchSize, waiting);
  } finally {
    await pool.end();
  }
}

interface MasterKeyCount {
  masterKeyId: string;
  keys: number;
}

/** Data keys not wrapped by the current master key, per master key that wraps them. */
async function keysByMasterKey(query: SqlQuery, table: string, currentMasterKeyId: string) {
  const rows = (await query(
    `SELECT master_key_id, count(*)::int AS keys FROM ${table} WHERE master_key_id <> $1
GROUP BY master_key_id ORDER BY master_key_id`,
    [currentMasterKeyId],
  )) as { master_key_id: string; keys: number }[];
  return rows.map((row): MasterKeyCount => ({ masterKeyId: row.master_key_id, keys: row.keys }));
}

const total = (counts: MasterKeyCount[]) => counts.reduce((sum, count) => sum + count.keys, 0);

function dryRun(waiting: MasterKeyCount[], currentMasterKeyId: string, config: RotateKeysConfig): number {
  // With the local provider the keyring is known, so keys that would fail can be named in advance.
  const keyring =
    config.ENCRYPTION_KEY_PROVIDER === 'local'
      ? new Set(config.ENCRYPTION_MASTER_KEYS?.keys.map((key) => key.id))
      : undefined;
  for (const { masterKeyId, keys } of waiting) {
    const missing = keyring !== undefined && !keyring.has(masterKeyId);
    say(
      `${masterKeyId}: ${keys} data key(s)` +
        (missing ? ' (not in ENCRYPTION_MASTER_KEYS: these would fail to unwrap)' : ''),
    );
  }
  say(
    `Dry run: ${total(waiting)} data key(s) would be re-wrapped to master key ${currentMasterKeyId}; ` +
      'nothing was changed.',
  );
  return 0;
}

async function rotate(
  query: SqlQuery,
  schema: string,
  provider: KeyProvider,
  batchSize: number,
  waiting: MasterKeyCount[],
): Promise<number> {
  const masterKeyId = provider.wrappingKeyId;
  const table = qualified(schema, DATA_KEYS_TABLE);
  tell(`Re-wrapping ${total(waiting)} data key(s) to master key ${masterKeyId}, ${batchSize} per batch.`);

  const stop = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (stoppedBy !== undefined) {
      // A second signal means now: a batch is one UPDATE, so cutting it short loses nothing.
      tell(`${signal} again: exiting without waiting for the batch.`);
      process.exit(128 + constants.signals[signal]);
    }
    stoppedBy = signal;
    tell(`${signal}: stopping after the current batch (send it again to exit at once).`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let batches = 0;
  let progress = { rewrapped: 0, failed: 0 };
  let report: RotationReport;
  try {
    report = await rotateDataKeys({
      query,
      provider,
      schema,
      batchSize,
      signal: stop.signal,
      onBatch: (done) => {
        batches += 1;
        progress = done;
        tell(`batch ${batches}: ${done.rewrapped} re-wrapped, ${done.failed} failed so far`);
      },
    });
  } catch (error) {
    if (stoppedBy === undefined || !stop.signal.aborted) throw error;
    const left = total(await keysByMasterKey(query, table, masterKeyId));
    say(
      `Stopped by ${stoppedBy} after ${batches} batch(es): ${progress.rewrapped} data key(s) re-wrapped to ` +
        `master key ${masterKeyId}, ${progress.failed} failed; ${left} still wrapped by another master key. ` +
        'Run the command again to finish.',
    );
    return 128 + constants.signals[stoppedBy];
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  for (const failure of report.failures) {
    say(`failed ${failure.keyId} (master key ${failure.masterKeyId}): ${failure.code}`);
  }
  say(
    `Re-wrapped ${report.rewrapped} data key(s) to master key ${report.masterKeyId}; ${report.failed} failed.` +
      (report.failed > 0
        ? ' Keep the master keys they name configured, and do not remove an old one until a run reports 0 failed.'
        : ''),
  );
  return report.failed === 0 ? 0 : EXIT_FAILED;
}

rotateKeysCommand(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    // Configuration errors name the variable and never echo a secret (see loadConfig).
    tell(`Could not rotate the data keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_FAILED;
  },
);
