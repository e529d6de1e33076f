import type { ChannelName, SuppressionSourceName } from '@switchboard/contracts';
import type { BlindIndex } from '@switchboard/encryption';
import type { DataSource } from 'typeorm';
import {
  type NewSuppression,
  type Suppression,
  type SuppressionListQuery,
  type SuppressionLookup,
  type SuppressionRemoval,
  SuppressionStore,
  type SuppressionToAdd,
} from '../suppressions/suppression';
import type { SuppressionRepository } from '../suppressions/suppression.repository';
import { suppressedAddressIndex } from './address-index';

interface ErasedSuppressionRow {
  id: string;
  tenant_id: string;
  channel: ChannelName;
  lookup_address: string;
  reason: string;
  category: string | null;
  source: SuppressionSourceName;
  created_at: Date;
}

/**
 * The suppression list, with the suppressions of erased recipients found by the blind index of
 * the address asked about: a message to an erased person's address is still suppressed, though
 * no row says what that address is. Lists show only the plain suppressions.
 */
export class HashedSuppressionStore extends SuppressionStore {
  constructor(
    private readonly plain: SuppressionRepository,
    private readonly dataSource: DataSource,
    private readonly blindIndex: BlindIndex,
  ) {
    super();
  }

  add(tenantId: string, request: SuppressionToAdd): Promise<{ suppression: Suppression; created: boolean }> {
    return this.plain.add(tenantId, request);
  }

  addMany(suppressions: readonly NewSuppression[]): Promise<number> {
    return this.plain.addMany(suppressions);
  }

  list(query: SuppressionListQuery): Promise<Suppression[]> {
    return this.plain.list(query);
  }

  async findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    if (lookups.length === 0) return [];
    const indexes = lookups.map((lookup) => suppressedAddressIndex(this.blindIndex, lookup));
    const [plain, erased] = await Promise.all([
      // The same indexes find the suppressions still held with their (encrypted) address.
      this.plain.findByIndexes(lookups, indexes),
      this.dataSource.query(
        `SELECT DISTINCT e.id, e.tenant_id, e.channel, wanted.address AS lookup_address, e.reason, e.category,
                e.source, e.created_at
         FROM router.erased_suppressions e
         JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS wanted(tenant_id, channel, address_index, address)
           ON e.tenant_id = wanted.tenant_id AND e.channel = wanted.channel AND e.address_index = wanted.address_index`,
        [
          lookups.map((lookup) => lookup.tenantId),
          lookups.map((lookup) => lookup.channel),
          indexes,
          lookups.map((lookup) => lookup.address),
        ],
      ) as Promise<ErasedSuppressionRow[]>,
    ]);
    return [...plain, ...erased.map(fromErasedRow)];
  }

  /** A tenant may lift the suppression of an erased person's address by naming the address. */
  async remove(removal: SuppressionRemoval): Promise<boolean> {
    const removedPlain = await this.plain.remove(removal);
    const rows: Array<{ removed: number }> = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM router.erased_suppressions
         WHERE tenant_id = $1 AND channel = $2 AND address_index = $3
           AND coalesce(category, '') = coalesce($4, '')
           AND ($5::text IS NULL OR source = $5)
         RETURNING 1)
       SELECT count(*)::int AS removed FROM removed`,
      [
        removal.tenantId,
        removal.channel,
        suppressedAddressIndex(this.blindIndex, removal),
        removal.category ?? null,
        removal.source ?? null,
      ],
    );
    return removedPlain || (rows[0]?.removed ?? 0) > 0;
  }
}

function fromErasedRow(row: ErasedSuppressionRow): Suppression {
  return {
    id: `erased-${row.id}`,
    tenantId: row.tenant_id,
    channel: row.channel,
    // The address asked about: the row itself holds only its index.
    address: row.lookup_address,
    reason: row.reason,
    ...(row.category === null ? {} : { category: row.category }),
    source: row.source,
    createdAt: row.created_at,
  };
}
