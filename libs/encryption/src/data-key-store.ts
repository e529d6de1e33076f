import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { BlindIndex } from './blind-index';
import { systemClock, type Clock } from './clock';
import { DATA_KEY_ID, type DataKeyMaterial } from './envelope';
import { EncryptionError, parseArgument, parseOptions } from './encryption-error';
import { KeyCache } from './key-cache';
import type { KeyProvider } from './key-provider';
import {
  DATA_KEYS_TABLE,
  DEFAULT_ENCRYPTION_SCHEMA,
  DESTROYED_KEYS_TABLE,
  qualified,
  schemaNameSchema,
  type SqlQuery,
} from './key-tables';

/** A data key unwrapped in memory, with whom it belongs to. */
export interface DataKey extends DataKeyMaterial {
  tenantId: string;
  /** The blind index of the recipient id; undefined for the tenant's own key. */
  recipientIndex?: string;
}

/** What the encryptor needs: the key to write with, and the key a stored value names. */
export interface DataKeySource {
  keyFor(tenantId: string, recipientId?: string): Promise<DataKey>;
  keyById(keyId: string): Promise<DataKey>;
  /** The keys of many owners at once, in the order asked: what a batch of writes needs. */
  keysFor(owners: ReadonlyArray<{ tenantId: string; recipientId?: string }>): Promise<DataKey[]>;
  /** The keys many stored values name, each or the error that stops it: what a batch of reads needs. */
  keysByIds(keyIds: readonly string[]): Promise<Map<string, DataKey | EncryptionError>>;
}

const optionsSchema = z.strictObject({
  query: z.custom<SqlQuery>(
    (value) => typeof value === 'function',
    'must be a function (sql, params) => rows',
  ),
  provider: z.custom<KeyProvider>(
    (value) => typeof (value as KeyProvider | undefined)?.unwrapDataKey === 'function',
    'must be a key provider (LocalKeyProvider or KmsKeyProvider)',
  ),
  blindIndex: z.custom<BlindIndex>(
    (value) => typeof (value as BlindIndex | undefined)?.compute === 'function',
    'must be a BlindIndex',
  ),
  schema: schemaNameSchema.default(DEFAULT_ENCRYPTION_SCHEMA),
  /**
   * How long an unwrapped key is reused. It also bounds how long another replica that had the
   * key cached goes on reading after a key is destroyed, so keep it short (a minute by default).
   */
  cacheTtlMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** Most keys kept unwrapped at once, each 32 bytes plus bookkeeping. */
  cacheMaxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
  clock: z
    .custom<Clock>(
      (value) => typeof (value as Clock | undefined)?.now === 'function',
      'must have a now() method',
    )
    .default(systemClock),
});

export type DataKeyStoreOptions = z.input<typeof optionsSchema>;

const tenantIdSchema = z.string().min(1, 'must not be empty').max(128);
const recipientIdSchema = z.string().min(1, 'must not be empty').max(128).optional();
const keyIdSchema = z.string().regex(DATA_KEY_ID, 'must be a data key id (base64url)');

// The tenant's own key has no recipient; '' keeps it in the same unique constraint.
const TENANT_KEY = '';

interface KeyRow {
  key_id: string;
  tenant_id: string;
  recipient_index: string;
  master_key_id: string;
  wrapped_key: Uint8Array;
}

/**
 * Data keys in PostgreSQL, wrapped by the key provider's master key: one per tenant, and one per
 * recipient for the values that erasure of that recipient must destroy. A key is made on first
 * use; replicas that ask at once agree on one through the unique constraint. Unwrapped keys are
 * cached for `cacheTtlMs`.
 */
export class DataKeyStore implements DataKeySource {
  private readonly query: SqlQuery;
  private readonly provider: KeyProvider;
  private readonly blindIndex: BlindIndex;
  private readonly keysTable: string;
  private readonly destroyedTable: string;
  private readonly byOwner: KeyCache<DataKey>;
  private readonly byId: KeyCache<DataKey>;
  // A destroyed key never comes back, so remembering it spares the database every later read.
  private readonly destroyed: KeyCache<true>;
  private readonly creating = new Map<string, Promise<DataKey>>();
  private readonly loading = new Map<string, Promise<DataKey>>();

  constructor(options: DataKeyStoreOptions) {
    const valid = parseOptions(optionsSchema, options, 'data key store options');
    this.query = valid.query;
    this.provider = valid.provider;
    this.blindIndex = valid.blindIndex;
    this.keysTable = qualified(valid.schema, DATA_KEYS_TABLE);
    this.destroyedTable = qualified(valid.schema, DESTROYED_KEYS_TABLE);
    this.byOwner = new KeyCache(valid.cacheTtlMs, valid.cacheMaxEntries, valid.clock);
    this.byId = new KeyCache(valid.cacheTtlMs, valid.cacheMaxEntries, valid.clock);
    this.destroyed = new KeyCache(24 * 3_600_000, valid.cacheMaxEntries, valid.clock);
  }

  /** The key that encrypts a tenant's values, or one recipient's: made on first use. */
  async keyFor(tenantId: string, recipientId?: string): Promise<DataKey> {
    // Cached by the recipient id itself (in memory only), so a hit costs no HMAC; only an id that
    // was checked and looked up before can be there.
    const owner = ownerName(tenantId, recipientId);
    const cached = this.byOwner.get(owner);
    if (cached !== undefined) return cached;
    const recipientIndex = this.recipientIndexOf(tenantId, recipientId);
    let pending = this.creating.get(owner);
    if (pending === undefined) {
      pending = this.loadOrCreate(tenantId, recipientIndex)
        .then((key) => {
          // Destroyed while it was being read: do not keep serving it from the cache.
          if (!this.destroyed.get(key.keyId)) this.byOwner.set(owner, key);
          return key;
        })
        .finally(() => this.creating.delete(owner));
      this.creating.set(owner, pending);
    }
    return pending;
  }

  /** The key a stored value names. Throws KEY_DESTROYED once its owner was erased. */
  async keyById(keyId: string): Promise<DataKey> {
    // Every decrypt comes here: a cached key is returned before any validation runs.
    const cached = this.byId.get(keyId);
    if (cached !== undefined) return cached;
    if (this.destroyed.get(keyId)) throw destroyedError(keyId);
    parseArgument(keyIdSchema, keyId, 'data key id');
    let pending = this.loading.get(keyId);
    if (pending === undefined) {
      pending = this.loadById(keyId).finally(() => this.loading.delete(keyId));
      this.loading.set(keyId, pending);
    }
    return pending;
  }

  /**
   * The keys of many owners (tenants, or tenant + recipient) in the order asked, for a batch of
   * writes: the ones not cached are read in one query, the missing ones made and inserted in one
   * statement, and a replica's concurrent inserts are read back in one more. So a batch costs at
   * most three round trips whatever its size (plus a KMS call per new key with aws-kms).
   */
  async keysFor(owners: ReadonlyArray<{ tenantId: string; recipientId?: string }>): Promise<DataKey[]> {
    const wanted = new Map<string, { tenantId: string; recipientIndex: string }>();
    const found = new Map<string, DataKey>();
    for (const { tenantId, recipientId } of owners) {
      const owner = ownerName(tenantId, recipientId);
      if (found.has(owner) || wanted.has(owner)) continue;
      const cached = this.byOwner.get(owner);
      if (cached !== undefined) found.set(owner, cached);
      else wanted.set(owner, { tenantId, recipientIndex: this.recipientIndexOf(tenantId, recipientId) });
    }
    if (wanted.size > 0) {
      const byIndex = new Map(
        [...wanted].map(([owner, { tenantId, recipientIndex }]) => [
          ownerName(tenantId, recipientIndex),
          owner,
        ]),
      );
      const keep = async (rows: KeyRow[]) => {
        const keys = await Promise.all(rows.map((row) => this.unwrapUnlessCached(row)));
        rows.forEach((row, index) => {
          const owner = byIndex.get(ownerName(row.tenant_id, row.recipient_index));
          if (owner !== undefined) found.set(owner, keys[index]);
        });
      };
      await keep(await this.selectByOwners([...wanted.values()]));
      const missing = [...wanted].filter(([owner]) => !found.has(owner)).map(([, value]) => value);
      if (missing.length > 0) {
        const made = await Promise.all(
          missing.map(async (owner) => {
            const keyId = randomBytes(16).toString('base64url');
            return { ...owner, keyId, ...(await this.provider.generateDataKey(keyId)) };
          }),
        );
        // In one order on every replica, so that two batches inserting the same owners wait on each
        // other instead of deadlocking.
        made.sort((left, right) =>
          left.tenantId === right.tenantId
            ? compare(left.recipientIndex, right.recipientIndex)
            : compare(left.tenantId, right.tenantId),
        );
        // As keyFor: a replica that inserted first wins, read back in a new statement below.
        const inserted = await this.query(
          `INSERT INTO ${this.keysTable} (key_id, tenant_id, recipient_index, master_key_id, wrapped_key)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[])
ON CONFLICT (tenant_id, recipient_index) DO NOTHING
RETURNING key_id`,
          [
            made.map((key) => key.keyId),
            made.map((key) => key.tenantId),
            made.map((key) => key.recipientIndex),
            made.map((key) => key.wrapped.masterKeyId),
            made.map((key) => key.wrapped.wrappedKey),
          ],
        );
        const insertedIds = new Set(inserted.map((row) => String(row.key_id)));
        const lost: typeof missing = [];
        for (const key of made) {
          if (!insertedIds.has(key.keyId)) {
            lost.push(key);
            continue;
          }
          const owner = byIndex.get(ownerName(key.tenantId, key.recipientIndex));
          const dataKey = this.remember({
            keyId: key.keyId,
            material: key.material,
            tenantId: key.tenantId,
            ...recipientPart(key.recipientIndex),
          });
          if (owner !== undefined) found.set(owner, dataKey);
        }
        if (lost.length > 0) await keep(await this.selectByOwners(lost));
      }
      for (const [owner, key] of found) {
        if (wanted.has(owner) && !this.destroyed.get(key.keyId)) this.byOwner.set(owner, key);
      }
    }
    return owners.map(({ tenantId, recipientId }) => {
      const key = found.get(ownerName(tenantId, recipientId));
      if (key === undefined) {
        throw new EncryptionError(
          'UNKNOWN_DATA_KEY',
          `the data key of tenant ${tenantId} was neither created nor found (destroyed while it was made?)`,
        );
      }
      return key;
    });
  }

  /**
   * The keys that many stored values name, for a batch of reads: the ones not cached in one query.
   * Each id maps to its key or to the error that stops it (destroyed, unknown, not unwrappable),
   * so one erased recipient or one tampered value fails alone, never the batch.
   */
  async keysByIds(keyIds: readonly string[]): Promise<Map<string, DataKey | EncryptionError>> {
    const answers = new Map<string, DataKey | EncryptionError>();
    const wanted: string[] = [];
    for (const keyId of new Set(keyIds)) {
      const cached = this.byId.get(keyId);
      if (cached !== undefined) answers.set(keyId, cached);
      else if (this.destroyed.get(keyId)) answers.set(keyId, destroyedError(keyId));
      else if (!DATA_KEY_ID.test(keyId)) {
        answers.set(keyId, new EncryptionError('MALFORMED_CIPHERTEXT', 'a data key id is not base64url'));
      } else wanted.push(keyId);
    }
    if (wanted.length === 0) return answers;
    const rows = await this.query(
      `SELECT wanted.key_id, keys.tenant_id, keys.recipient_index, keys.master_key_id, keys.wrapped_key,
  destroyed.destroyed_at
FROM unnest($1::text[]) AS wanted (key_id)
LEFT JOIN ${this.keysTable} AS keys ON keys.key_id = wanted.key_id
LEFT JOIN ${this.destroyedTable} AS destroyed ON destroyed.key_id = wanted.key_id`,
      [wanted],
    );
    await Promise.all(
      rows.map(async (row) => {
        const keyId = String(row.key_id);
        try {
          answers.set(keyId, await this.keyOfRow(keyId, row));
        } catch (error) {
          if (!(error instanceof EncryptionError)) throw error;
          answers.set(keyId, error);
        }
      }),
    );
    return answers;
  }

  /**
   * Crypto-shredding: deletes the recipient's wrapped key and leaves a tombstone, in one
   * statement, so every copy of what it encrypted (rows, Kafka records, backups made from now on)
   * is unreadable. Returns the destroyed key id, or undefined when the recipient had no key.
   * Other replicas drop the key from their caches within `cacheTtlMs`.
   */
  async destroyRecipientKey(tenantId: string, recipientId: string): Promise<string | undefined> {
    parseArgument(z.string().min(1).max(128), recipientId, 'recipient id');
    const recipientIndex = this.recipientIndexOf(tenantId, recipientId);
    const rows = await this.destroyWhere('tenant_id = $1 AND recipient_index = $2', [
      tenantId,
      recipientIndex,
    ]);
    return rows[0];
  }

  /** Destroys every key of a tenant (the tenant's own and each recipient's), when it leaves. */
  async destroyTenantKeys(tenantId: string): Promise<string[]> {
    parseArgument(tenantIdSchema, tenantId, 'tenant id');
    return this.destroyWhere('tenant_id = $1', [tenantId]);
  }

  /** When a key was destroyed, or undefined when it was not. */
  async destroyedAt(keyId: string): Promise<Date | undefined> {
    parseArgument(keyIdSchema, keyId, 'data key id');
    const rows = await this.query(`SELECT destroyed_at FROM ${this.destroyedTable} WHERE key_id = $1`, [
      keyId,
    ]);
    return rows[0] === undefined ? undefined : new Date(rows[0].destroyed_at as string | Date);
  }

  /**
   * Drops a recipient's key from this replica's cache, for the consumer of an erasure event that
   * another replica published after destroying the key: reads fail at once instead of after
   * `cacheTtlMs`.
   */
  forgetRecipient(tenantId: string, recipientId: string): void {
    const owner = ownerName(tenantId, recipientId);
    const cached = this.byOwner.get(owner);
    this.byOwner.delete(owner);
    const recipientIndex = this.recipientIndexOf(tenantId, recipientId);
    const forgotten = (key: DataKey) =>
      key.keyId === cached?.keyId || (key.tenantId === tenantId && key.recipientIndex === recipientIndex);
    this.byId.deleteWhere(forgotten);
  }

  /** Drops every cached key. */
  forgetCachedKeys(): void {
    this.byOwner.deleteWhere(() => true);
    this.byId.deleteWhere(() => true);
  }

  private async destroyWhere(condition: string, params: unknown[]): Promise<string[]> {
    const rows = await this.query(
      `WITH gone AS (DELETE FROM ${this.keysTable} WHERE ${condition} RETURNING key_id, tenant_id)
INSERT INTO ${this.destroyedTable} (key_id, tenant_id, destroyed_at)
SELECT key_id, tenant_id, now() FROM gone
ON CONFLICT (key_id) DO NOTHING
RETURNING key_id`,
      params,
    );
    const keyIds = rows.map((row) => String(row.key_id));
    for (const keyId of keyIds) {
      this.destroyed.set(keyId, true);
      this.byId.delete(keyId);
    }
    this.byOwner.deleteWhere((key) => keyIds.includes(key.keyId));
    return keyIds;
  }

  private recipientIndexOf(tenantId: string, recipientId: string | undefined): string {
    parseArgument(tenantIdSchema, tenantId, 'tenant id');
    parseArgument(recipientIdSchema, recipientId, 'recipient id');
    if (recipientId === undefined) return TENANT_KEY;
    return this.blindIndex.compute({ tenantId, kind: 'recipient-id', value: recipientId });
  }

  private async loadOrCreate(tenantId: string, recipientIndex: string): Promise<DataKey> {
    const existing = await this.selectByOwner(tenantId, recipientIndex);
    if (existing !== undefined) return this.unwrapUnlessCached(existing);
    const keyId = randomBytes(16).toString('base64url');
    const { material, wrapped } = await this.provider.generateDataKey(keyId);
    // DO NOTHING on conflict: a replica that got there first wins, and its key is read back below
    // in a new statement (this one's snapshot may predate the winner's commit).
    const inserted = await this.query(
      `INSERT INTO ${this.keysTable} (key_id, tenant_id, recipient_index, master_key_id, wrapped_key)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, recipient_index) DO NOTHING
RETURNING key_id`,
      [keyId, tenantId, recipientIndex, wrapped.masterKeyId, wrapped.wrappedKey],
    );
    if (inserted.length > 0) {
      return this.remember({ keyId, material, tenantId, ...recipientPart(recipientIndex) });
    }
    const winner = await this.selectByOwner(tenantId, recipientIndex);
    if (winner === undefined) {
      throw new EncryptionError(
        'UNKNOWN_DATA_KEY',
        `the data key of tenant ${tenantId} was neither created nor found (destroyed while it was made?)`,
      );
    }
    return this.unwrapUnlessCached(winner);
  }

  private async selectByOwners(
    owners: ReadonlyArray<{ tenantId: string; recipientIndex: string }>,
  ): Promise<KeyRow[]> {
    const rows = await this.query(
      `SELECT keys.key_id, keys.tenant_id, keys.recipient_index, keys.master_key_id, keys.wrapped_key
FROM unnest($1::text[], $2::text[]) AS wanted (tenant_id, recipient_index)
JOIN ${this.keysTable} AS keys
  ON keys.tenant_id = wanted.tenant_id AND keys.recipient_index = wanted.recipient_index`,
      [owners.map((owner) => owner.tenantId), owners.map((owner) => owner.recipientIndex)],
    );
    return rows as unknown as KeyRow[];
  }

  private async selectByOwner(tenantId: string, recipientIndex: string): Promise<KeyRow | undefined> {
    const rows = await this.query(
      `SELECT key_id, tenant_id, recipient_index, master_key_id, wrapped_key FROM ${this.keysTable}
WHERE tenant_id = $1 AND recipient_index = $2`,
      [tenantId, recipientIndex],
    );
    return rows[0] as unknown as KeyRow | undefined;
  }

  private async loadById(keyId: string): Promise<DataKey> {
    const rows = await this.query(
      `SELECT wanted.key_id, keys.tenant_id, keys.recipient_index, keys.master_key_id, keys.wrapped_key,
  destroyed.destroyed_at
FROM (SELECT $1::text AS key_id) AS wanted
LEFT JOIN ${this.keysTable} AS keys ON keys.key_id = wanted.key_id
LEFT JOIN ${this.destroyedTable} AS destroyed ON destroyed.key_id = wanted.key_id`,
      [keyId],
    );
    return this.keyOfRow(keyId, rows[0]);
  }

  /** A row of the key-by-id query: the key unwrapped, or why there is none. */
  private async keyOfRow(keyId: string, row: Record<string, unknown> | undefined): Promise<DataKey> {
    if (row?.wrapped_key !== undefined && row.wrapped_key !== null) {
      return this.remember(await this.unwrap(row as unknown as KeyRow));
    }
    if (row?.destroyed_at !== undefined && row.destroyed_at !== null) {
      this.destroyed.set(keyId, true);
      throw destroyedError(keyId);
    }
    throw new EncryptionError(
      'UNKNOWN_DATA_KEY',
      `no data key ${keyId} exists in this schema, and none was destroyed`,
    );
  }

  /** A key read by id before (to decrypt) is not unwrapped again, which may be a KMS call. */
  private async unwrapUnlessCached(row: KeyRow): Promise<DataKey> {
    return this.byId.get(row.key_id) ?? this.remember(await this.unwrap(row));
  }

  private async unwrap(row: KeyRow): Promise<DataKey> {
    const material = await this.provider.unwrapDataKey(
      { masterKeyId: row.master_key_id, wrappedKey: Buffer.from(row.wrapped_key) },
      row.key_id,
    );
    return { keyId: row.key_id, material, tenantId: row.tenant_id, ...recipientPart(row.recipient_index) };
  }

  private remember(key: DataKey): DataKey {
    if (!this.destroyed.get(key.keyId)) this.byId.set(key.keyId, key);
    return key;
  }
}

/** The cache name of a key's owner; the same shape names an owner by its recipient index. */
function ownerName(tenantId: string, recipient: string | undefined): string {
  return JSON.stringify([tenantId, recipient ?? null]);
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function recipientPart(recipientIndex: string): { recipientIndex?: string } {
  return recipientIndex === TENANT_KEY ? {} : { recipientIndex };
}

function destroyedError(keyId: string): EncryptionError {
  return new EncryptionError(
    'KEY_DESTROYED',
    `data key ${keyId} was destroyed (its owner was erased); the value is gone for good`,
  );
}
