import { Logger } from '@nestjs/common';
import type { ChannelName, RecipientErasureRequested } from '@switchboard/contracts';
import type { BlindIndex } from '@switchboard/encryption';
import type { ErasedRows, RecipientEraser } from '@switchboard/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { RecipientStore } from '../recipients/recipient';
import { ledgerRecipientIndex } from '../routing/policy-ledger.repository';
import { suppressedAddressIndex } from './address-index';

/** Destroys a recipient's data key (crypto-shredding), where the router keeps encrypted data. */
export interface RecipientKeyShredder {
  destroyRecipientKey(tenantId: string, recipientId: string): Promise<unknown>;
}

interface SuppressionRow {
  id: string;
  channel: ChannelName;
  /** Encrypted, or plaintext in a row not yet rewritten. */
  address: string;
  address_index: string | null;
  reason: string;
  category: string | null;
  source: string;
  created_at: Date;
}

/**
 * Forgets a recipient in the router, in one transaction: their profile, contact points,
 * preferences, frequency-limit and dedup entries, waiting and recurring schedules (with the
 * message each stores) and the addresses and rendered requests of their routing decisions. Their
 * suppressions are kept, as the blind index of the address only, so they are never contacted
 * again. Running it twice changes nothing the second time.
 */
export class EraseRecipientInRouter implements RecipientEraser {
  private readonly logger = new Logger(EraseRecipientInRouter.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly recipients: RecipientStore,
    private readonly blindIndex: BlindIndex | undefined,
    private readonly keys?: RecipientKeyShredder,
  ) {}

  async destroyRecipientKey({ tenantId, recipientId }: RecipientErasureRequested) {
    if (this.keys === undefined) return 'no-key-store' as const;
    await this.keys.destroyRecipientKey(tenantId, recipientId);
    return 'destroyed' as const;
  }

  async eraseRows(request: RecipientErasureRequested): Promise<ErasedRows> {
    // Without the key the suppressions could only be dropped, and the person contacted again.
    if (this.blindIndex === undefined) {
      throw new Error('cannot erase a recipient: BLIND_INDEX_KEY is not set on the router');
    }
    const blindIndex = this.blindIndex;
    // Read before the transaction: the store opens encrypted contact points with its own queries,
    // and on the embedded database an open transaction would leave it waiting for a connection.
    const profile = await this.readableProfile(request);
    return this.dataSource.transaction((manager) => this.erase(manager, blindIndex, request, profile));
  }

  /**
   * The profile, or none when it cannot be read (a value that no longer decrypts): the person's
   * rows go all the same, and only suppressions of their addresses stay as they were.
   */
  private async readableProfile({ tenantId, recipientId }: RecipientErasureRequested) {
    try {
      return await this.recipients.find(tenantId, recipientId);
    } catch (error) {
      this.logger.warn(
        `erasing a recipient of tenant ${tenantId} whose profile cannot be read; their suppressions are left as they are`,
        { error: error instanceof Error ? error.message : String(error) },
      );
      return undefined;
    }
  }

  private async erase(
    manager: EntityManager,
    blindIndex: BlindIndex,
    { tenantId, recipientId }: RecipientErasureRequested,
    profile: Awaited<ReturnType<RecipientStore['find']>>,
  ): Promise<ErasedRows> {
    // Every address the router may have written for them: a decision names the id for push and in-app.
    const addresses = [
      recipientId,
      profile?.email,
      profile?.phone,
      ...(profile?.pushSubscriptions ?? []).map((subscription) => subscription.endpoint),
    ].filter((address): address is string => typeof address === 'string' && address !== '');

    const rows: ErasedRows = {};
    rows.suppressions_hashed = await this.hashSuppressions(manager, blindIndex, tenantId, addresses);
    rows.decisions = await count(
      manager,
      `UPDATE router.decisions SET address = '', render_requests = '[]'
       WHERE tenant_id = $1
         AND (recipient_id = $3
           -- Rows written before encryption name the person only in their plaintext values.
           OR lower(address) = ANY($2::text[]) OR render_requests @> jsonb_build_array(jsonb_build_object('recipientId', $3::text)))
       RETURNING 1`,
      [tenantId, addresses.map((address) => address.toLowerCase()), recipientId],
    );
    rows.schedules = await count(
      manager,
      `DELETE FROM router.schedules
       WHERE tenant_id = $1
         AND (message -> 'recipient' ->> 'id' = $2
           OR payload @> jsonb_build_object('recipientId', $2::text)
           OR payload @> jsonb_build_array(jsonb_build_object('recipientId', $2::text)))
       RETURNING 1`,
      [tenantId, recipientId],
    );
    rows.recurring_schedules = await count(
      manager,
      `DELETE FROM router.recurring_schedules WHERE tenant_id = $1 AND message -> 'recipient' ->> 'id' = $2 RETURNING 1`,
      [tenantId, recipientId],
    );
    // The ledger names a recipient by the blind index of their identity (id, email or phone).
    const ledgerIndex = ledgerRecipientIndex(blindIndex);
    for (const table of ['sends', 'content_claims']) {
      rows[table] = await count(
        manager,
        `DELETE FROM router.${table} WHERE tenant_id = $1 AND recipient = ANY($2::text[]) RETURNING 1`,
        [tenantId, addresses.map((address) => ledgerIndex(tenantId, address))],
      );
    }
    for (const table of ['preferences', 'push_subscriptions', 'recipients']) {
      rows[table] = await count(
        manager,
        `DELETE FROM router.${table} WHERE tenant_id = $1 AND recipient_id = $2 RETURNING 1`,
        [tenantId, recipientId],
      );
    }
    return rows;
  }

  /** Moves the suppressions on the person's addresses to their blind index; how many were moved. */
  private async hashSuppressions(
    manager: EntityManager,
    blindIndex: BlindIndex,
    tenantId: string,
    addresses: string[],
  ): Promise<number> {
    // Each address's index on every channel: the channel decides how an address is normalised.
    const indexes = addresses.flatMap((address) =>
      (['email', 'sms', 'push', 'inapp'] as const).map((channel) =>
        suppressedAddressIndex(blindIndex, { tenantId, channel, address }),
      ),
    );
    const suppressions: SuppressionRow[] = await manager.query(
      `WITH removed AS (
         DELETE FROM router.suppressions
         WHERE tenant_id = $1
           AND (address_index = ANY($2::text[]) OR (address_index IS NULL AND lower(address) = ANY($3::text[])))
         RETURNING id, channel, address, address_index, reason, category, source, created_at)
       SELECT * FROM removed`,
      [tenantId, indexes, addresses.map((address) => address.toLowerCase())],
    );
    if (suppressions.length === 0) return 0;
    await manager.query(
      `INSERT INTO router.erased_suppressions (tenant_id, channel, address_index, reason, category, source, created_at)
       SELECT $1, kept.channel, kept.address_index, kept.reason, kept.category, kept.source, kept.created_at
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
         AS kept(channel, address_index, reason, category, source, created_at)
       ON CONFLICT (tenant_id, channel, address_index, coalesce(category, '')) DO NOTHING`,
      [
        tenantId,
        suppressions.map((row) => row.channel),
        suppressions.map(
          (row) =>
            // A row not yet rewritten holds the address itself, from which the index is made.
            row.address_index ??
            suppressedAddressIndex(blindIndex, { tenantId, channel: row.channel, address: row.address }),
        ),
        suppressions.map((row) => row.reason),
        suppressions.map((row) => row.category),
        suppressions.map((row) => row.source),
        suppressions.map((row) => row.created_at),
      ],
    );
    return suppressions.length;
  }
}

// Wrapped in a SELECT: TypeORM answers a bare UPDATE or DELETE with [rows, count] instead of the rows.
async function count(manager: EntityManager, statement: string, params: unknown[]): Promise<number> {
  const rows: Array<{ changed: number }> = await manager.query(
    `WITH changed AS (${statement}) SELECT count(*)::int AS changed FROM changed`,
    params,
  );
  return rows[0]?.changed ?? 0;
}
