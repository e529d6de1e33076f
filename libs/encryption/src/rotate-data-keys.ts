import { z } from 'zod';
import { EncryptionError, parseOptions } from './encryption-error';
import type { KeyProvider } from './key-provider';
import {
  DATA_KEYS_TABLE,
  DEFAULT_ENCRYPTION_SCHEMA,
  qualified,
  schemaNameSchema,
  type SqlQuery,
} from './key-tables';

const optionsSchema = z.strictObject({
  query: z.custom<SqlQuery>(
    (value) => typeof value === 'function',
    'must be a function (sql, params) => rows',
  ),
  provider: z.custom<KeyProvider>(
    (value) => typeof (value as KeyProvider | undefined)?.wrapDataKey === 'function',
    'must be a key provider (LocalKeyProvider or KmsKeyProvider)',
  ),
  schema: schemaNameSchema.default(DEFAULT_ENCRYPTION_SCHEMA),
  /** Keys re-wrapped per statement; each batch is one short UPDATE, so readers never wait long. */
  batchSize: z.number().int().min(1).max(10_000).default(500),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
  onBatch: z
    .custom<(progress: RotationProgress) => void>(
      (value) => typeof value === 'function',
      'must be a function',
    )
    .optional(),
});

export type RotateDataKeysOptions = z.input<typeof optionsSchema>;

export interface RotationProgress {
  rewrapped: number;
  failed: number;
}

export interface RotationReport extends RotationProgress {
  /** The master key every re-wrapped data key is wrapped by now. */
  masterKeyId: string;
  /** Keys that could not be unwrapped (their master key is not configured, or the row was changed). */
  failures: { keyId: string; masterKeyId: string; code: string }[];
}

interface KeyRow {
  key_id: string;
  master_key_id: string;
  wrapped_key: Uint8Array;
}

/**
 * Re-wraps every data key not wrapped by the provider's current master key, in batches, keyed by
 * key id so that a key that fails is reported and passed, never retried forever. The data keys
 * themselves do not change, so every value stays readable throughout; replicas need the old and
 * the new master key configured until this has finished (see the README for the order of steps).
 * A key destroyed meanwhile stays destroyed: the update only touches rows still wrapped as read.
 */
export async function rotateDataKeys(options: RotateDataKeysOptions): Promise<RotationReport> {
  const valid = parseOptions(optionsSchema, options, 'rotation options');
  const table = qualified(valid.schema, DATA_KEYS_TABLE);
  const masterKeyId = valid.provider.wrappingKeyId;
  const report: RotationReport = { masterKeyId, rewrapped: 0, failed: 0, failures: [] };
  let after = '';
  for (;;) {
    valid.signal?.throwIfAborted();
    const rows = (await valid.query(
      `SELECT key_id, master_key_id, wrapped_key FROM ${table}
WHERE master_key_id <> $1 AND key_id > $2 ORDER BY key_id LIMIT $3`,
      [masterKeyId, after, valid.batchSize],
    )) as unknown as KeyRow[];
    if (rows.length === 0) return report;
    after = rows[rows.length - 1].key_id;
    const rewrapped: { keyId: string; oldMasterKeyId: string; wrappedKey: Buffer }[] = [];
    for (const row of rows) {
      try {
        const material = await valid.provider.unwrapDataKey(
          { masterKeyId: row.master_key_id, wrappedKey: Buffer.from(row.wrapped_key) },
          row.key_id,
        );
        const wrapped = await valid.provider.wrapDataKey(material, row.key_id);
        rewrapped.push({
          keyId: row.key_id,
          oldMasterKeyId: row.master_key_id,
          wrappedKey: wrapped.wrappedKey,
        });
      } catch (error) {
        if (!(error instanceof EncryptionError)) throw error;
        report.failed += 1;
        report.failures.push({ keyId: row.key_id, masterKeyId: row.master_key_id, code: error.code });
      }
    }
    if (rewrapped.length > 0) {
      const updated = await valid.query(
        `UPDATE ${table} AS keys
SET master_key_id = $1, wrapped_key = rewrapped.wrapped_key, rewrapped_at = now()
FROM unnest($2::text[], $3::text[], $4::bytea[]) AS rewrapped (key_id, old_master_key_id, wrapped_key)
WHERE keys.key_id = rewrapped.key_id AND keys.master_key_id = rewrapped.old_master_key_id
RETURNING keys.key_id`,
        [
          masterKeyId,
          rewrapped.map((key) => key.keyId),
          rewrapped.map((key) => key.oldMasterKeyId),
          rewrapped.map((key) => key.wrappedKey),
        ],
      );
      report.rewrapped += updated.length;
    }
    valid.onBatch?.({ rewrapped: report.rewrapped, failed: report.failed });
  }
}
