import { parseArgs } from 'node:util';

/** The most keys rotateDataKeys re-wraps in one statement. */
export const MAX_BATCH_SIZE = 10_000;
export const DEFAULT_BATCH_SIZE = 500;

export const ROTATE_KEYS_USAGE = `Usage: npm run encryption:rotate-keys -- [--batch-size <n>] [--dry-run]

Re-wraps every data key that the current master key does not wrap, in batches, while services run.
Values are not re-encrypted: only the wrapped data keys change.
  --batch-size <n>  keys re-wrapped per statement, 1 to ${MAX_BATCH_SIZE} (default ${DEFAULT_BATCH_SIZE})
  --dry-run         count the keys that would be re-wrapped, by master key, and change nothing
  --help            this text

Ctrl-C (SIGINT) or SIGTERM stops after the current batch; run the command again to finish.
Exit code: 0 every key re-wrapped, 1 a key failed or the rotation could not run, 2 bad arguments,
130/143 stopped by SIGINT/SIGTERM.
Reads DATABASE_URL, ENCRYPTION_KEY_PROVIDER, ENCRYPTION_MASTER_KEYS (local) or ENCRYPTION_KMS_KEY_ID,
ENCRYPTION_KMS_REGION, ENCRYPTION_KMS_ENDPOINT (aws-kms), and ENCRYPTION_SCHEMA.`;

/** Arguments the command cannot work with; the message says which. */
export class RotateKeysUsageError extends Error {}

export type RotateKeysCommand = { help: true } | { help: false; batchSize: number; dryRun: boolean };

export function parseRotateKeysArguments(args: string[]): RotateKeysCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'batch-size': { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new RotateKeysUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };
  return {
    help: false,
    batchSize: values['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : batchSizeOf(values['batch-size']),
    dryRun: values['dry-run'] === true,
  };
}

function batchSizeOf(text: string): number {
  // Digits only: Number() would also take '1e3', '0x10' and ' 5 '.
  const size = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(size >= 1 && size <= MAX_BATCH_SIZE)) {
    throw new RotateKeysUsageError(`--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }
  return size;
}
