import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChannelName, SuppressionSourceName } from '@switchboard/contracts';
import { ENCRYPTION, type Encryption, isEncrypted, parseCiphertext } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { suppressedAddressIndex } from '../privacy/address-index';
import {
  type NewSuppression,
  type Suppression,
  type SuppressionListQuery,
  type SuppressionLookup,
  type SuppressionRemoval,
  SuppressionStore,
  type SuppressionToAdd,
} from './suppression';

interface SuppressionRow {
  id: string;
  tenant_id: string;
  channel: ChannelName;
  address: string;
  reason: string;
  category: string | null;
  source: SuppressionSourceName;
  created_at: Date;
}

/** What a suppressed address is bound to: with the tenant, so a copied value does not open elsewhere. */
export const SUPPRESSION_ADDRESS_FIELD = 'suppressions.address';

const COLUMNS = 'id, tenant_id, channel, address, reason, category, source, created_at';
// Must name the unique index's expressions exactly for ON CONFLICT to find it.
const UNIQUE_ADDRESS = `(tenant_id, channel, address_index, coalesce(category, ''))`;
/*
 * The row of an address: by its blind index, or, for a row written before encryption and not yet
 * rewritten (EncryptPlaintextSuppressions), by the plaintext whatever its case. $1 tenant, $2
 * channel, $3 index, $4 address.
 */
const SAME_ADDRESS = `tenant_id = $1 AND channel = $2
  AND (address_index = $3 OR (address_index IS NULL AND lower(address) = lower($4)))`;

/**
 * The suppression list. Addresses are stored encrypted with the tenant's data key (a suppression
 * is kept by address, not by recipient, and must outlive an erasure as a blind index) and every
 * lookup goes by the blind index of the address; routing never decrypts.
 */
@Injectable()
export class SuppressionRepository extends SuppressionStore {
  private readonly logger = new Logger(SuppressionRepository.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENCRYPTION) private readonly encryption: Pick<Encryption, 'encryptor' | 'blindIndex'>,
  ) {
    super();
  }

  async add(
    tenantId: string,
    request: SuppressionToAdd,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const category = request.category ?? null;
    const lookup = { tenantId, channel: request.channel, address: request.address };
    const addressIndex = this.indexOf(lookup);
    const [sealed] = await this.seal([lookup]);
    const created: SuppressionRow[] = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, address_index, reason, category, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ${UNIQUE_ADDRESS} DO NOTHING
       RETURNING ${COLUMNS}`,
      [tenantId, request.channel, sealed, addressIndex, request.reason, category, request.source ?? 'api'],
    );
    // The address as given: the row holds its ciphertext.
    if (created.length > 0) return { suppression: fromRow(created[0], request.address), created: true };
    const existing: SuppressionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.suppressions
       WHERE ${SAME_ADDRESS} AND coalesce(category, '') = coalesce($5, '')`,
      [tenantId, request.channel, addressIndex, request.address, category],
    );
    if (existing.length === 0)
      throw new Error('the suppression was neither inserted nor found; was it deleted meanwhile?');
    const [opened] = await this.open(existing);
    return { suppression: opened, created: false };
  }

  async addMany(suppressions: readonly NewSuppression[]): Promise<number> {
    if (suppressions.length === 0) return 0;
    const sealed = await this.seal(suppressions);
    const created: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, address_index, reason, category, source)
       SELECT wanted.tenant_id, wanted.channel, wanted.address, wanted.address_index, wanted.reason,
              wanted.category, wanted.source
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS wanted(tenant_id, channel, address, address_index, reason, category, source)
       ON CONFLICT ${UNIQUE_ADDRESS} DO NOTHING
       RETURNING id`,
      [
        suppressions.map((suppression) => suppression.tenantId),
        suppressions.map((suppression) => suppression.channel),
        sealed,
        suppressions.map((suppression) => this.indexOf(suppression)),
        suppressions.map((suppression) => suppression.reason),
        suppressions.map((suppression) => suppression.category ?? null),
        suppressions.map((suppression) => suppression.source ?? 'api'),
      ],
    );
    return created.length;
  }

  /** Routing's hot path: one query by blind index, no key lookup, no decryption. */
  findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    return this.findByIndexes(
      lookups,
      lookups.map((lookup) => this.indexOf(lookup)),
    );
  }

  /** As findFor, with each lookup's blind index computed by the caller (an HMAC each: computed once). */
  async findByIndexes(
    lookups: readonly SuppressionLookup[],
    indexes: readonly string[],
  ): Promise<Suppression[]> {
    if (lookups.length === 0) return [];
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT s.id, s.tenant_id, s.channel, wanted.address, s.reason, s.category, s.source, s.created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS wanted(tenant_id, channel, address_index, address)
       JOIN router.suppressions s
         ON s.tenant_id = wanted.tenant_id AND s.channel = wanted.channel AND s.address_index = wanted.address_index
       UNION
       SELECT s.id, s.tenant_id, s.channel, wanted.address, s.reason, s.category, s.source, s.created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS wanted(tenant_id, channel, address_index, address)
       JOIN router.suppressions s
         ON s.tenant_id = wanted.tenant_id AND s.channel = wanted.channel AND s.address_index IS NULL
        AND lower(s.address) = lower(wanted.address)`,
      [
        lookups.map((lookup) => lookup.tenantId),
        lookups.map((lookup) => lookup.channel),
        indexes,
        lookups.map((lookup) => lookup.address),
      ],
    );
    // The address asked about: what routing matches on, and what the row only holds sealed.
    return rows.map((row) => fromRow(row, row.address));
  }

  async list(query: SuppressionListQuery): Promise<Suppression[]> {
    const wanted =
      query.address === undefined || query.channel === undefined
        ? undefined
        : this.indexOf({ tenantId: query.tenantId, channel: query.channel, address: query.address });
    const byAddress = query.address !== undefined && query.channel === undefined;
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.suppressions
       WHERE tenant_id = $1
         AND ($2::text IS NULL OR channel = $2)
         AND ($3::text IS NULL OR address_index = $3 OR (address_index IS NULL AND lower(address) = lower($4)))
         AND ($5::text[] IS NULL OR address_index = ANY($5) OR (address_index IS NULL AND lower(address) = lower($4)))
         AND ($6::bigint IS NULL OR id < $6)
       ORDER BY id DESC
       LIMIT $7`,
      [
        query.tenantId,
        query.channel ?? null,
        wanted ?? null,
        query.address ?? null,
        // An address asked about on every channel: its index differs by channel (how it is normalised).
        byAddress ? this.indexesOnEveryChannel(query.tenantId, query.address as string) : null,
        query.beforeId ?? null,
        query.limit,
      ],
    );
    return this.open(rows);
  }

  async remove(removal: SuppressionRemoval): Promise<boolean> {
    // Selected from a CTE: TypeORM answers a bare DELETE with [rows, count] instead of the rows.
    const rows: Array<{ removed: number }> = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM router.suppressions
         WHERE ${SAME_ADDRESS}
           AND coalesce(category, '') = coalesce($5, '')
           AND ($6::text IS NULL OR source = $6)
         RETURNING 1)
       SELECT count(*)::int AS removed FROM removed`,
      [
        removal.tenantId,
        removal.channel,
        this.indexOf(removal),
        removal.address,
        removal.category ?? null,
        removal.source ?? null,
      ],
    );
    return (rows[0]?.removed ?? 0) > 0;
  }

  private indexOf(lookup: SuppressionLookup): string {
    return suppressedAddressIndex(this.encryption.blindIndex, lookup);
  }

  private indexesOnEveryChannel(tenantId: string, address: string): string[] {
    return (['email', 'sms', 'push', 'inapp'] as const).map((channel) =>
      this.indexOf({ tenantId, channel, address }),
    );
  }

  /** The addresses sealed with their tenants' keys, in order, with one key lookup for all. */
  private seal(lookups: readonly SuppressionLookup[]): Promise<string[]> {
    return this.encryption.encryptor.encryptMany(
      lookups.map((lookup) => ({
        value: lookup.address,
        context: { tenantId: lookup.tenantId, field: SUPPRESSION_ADDRESS_FIELD },
      })),
    );
  }

  /**
   * Rows with their addresses in the clear (one key lookup for the page). Plaintext rows not yet
   * rewritten are taken as they are; an address that does not open is shown empty and logged by
   * key, so the suppression is still listed and can still be lifted by the address.
   */
  private async open(rows: readonly SuppressionRow[]): Promise<Suppression[]> {
    const sealed = rows.flatMap((row, index) => (isEncrypted(row.address) ? [index] : []));
    const addresses = rows.map((row) => row.address);
    if (sealed.length > 0) {
      const opened = await this.encryption.encryptor.decryptMany(
        sealed.map((index) => ({
          ciphertext: rows[index].address,
          context: { tenantId: rows[index].tenant_id, field: SUPPRESSION_ADDRESS_FIELD },
        })),
      );
      opened.forEach((result, position) => {
        const index = sealed[position];
        if (result.ok) {
          addresses[index] = String(result.value);
          return;
        }
        addresses[index] = '';
        this.logger.warn(`suppression ${rows[index].id} of tenant ${rows[index].tenant_id} cannot be read`, {
          code: result.error.code,
          keyId: keyIdOf(rows[index].address),
        });
      });
    }
    return rows.map((row, index) => fromRow(row, addresses[index]));
  }
}

function keyIdOf(ciphertext: string): string | undefined {
  try {
    // It names a key, not a person: safe to log.
    return parseCiphertext(ciphertext).keyId;
  } catch {
    return undefined;
  }
}

function fromRow(row: SuppressionRow, address: string): Suppression {
  return {
    id: String(row.id),
    tenantId: row.tenant_id,
    channel: row.channel,
    address,
    reason: row.reason,
    ...(row.category === null ? {} : { category: row.category }),
    source: row.source,
    createdAt: row.created_at,
  };
}
