import { Injectable } from '@nestjs/common';
import { type ChannelName, RecipientPreferences } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import {
  DEFAULT_PREFERENCES,
  MAX_CATEGORIES,
  type OptOutOutcome,
  PreferenceStore,
  preferencesKey,
  type RecipientKey,
  type StoredPreferences,
} from './preference';

interface PreferenceRow {
  preferences: unknown;
  updated_at: Date | null;
}

/**
 * The document with the opt-out applied, as SQL over the document `source`: $3 is the category,
 * $4 the channel (null: the whole category). Every other key of the document and of the category
 * is kept, which is what makes concurrent opt-outs of different categories add up.
 */
function withOptOut(source: string): string {
  const category = `coalesce(${source} -> 'categories' -> $3::text, '{}'::jsonb)`;
  const changedCategory = `CASE WHEN $4::text IS NULL
      THEN ${category} || '{"enabled": false}'::jsonb
      ELSE ${category} || jsonb_build_object('channels',
        coalesce(${category} -> 'channels', '{}'::jsonb) || jsonb_build_object($4::text, false))
    END`;
  return `${source} || jsonb_build_object('categories',
    coalesce(${source} -> 'categories', '{}'::jsonb) || jsonb_build_object($3::text, ${changedCategory}))`;
}

@Injectable()
export class PreferenceRepository extends PreferenceStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(tenantId: string, recipientId: string): Promise<StoredPreferences | undefined> {
    // From the recipient, so that "no such recipient" and "no preferences yet" are told apart in one query.
    const [row]: PreferenceRow[] = await this.dataSource.query(
      `SELECT p.preferences, p.updated_at
       FROM router.recipients r
       LEFT JOIN router.preferences p USING (tenant_id, recipient_id)
       WHERE r.tenant_id = $1 AND r.recipient_id = $2`,
      [tenantId, recipientId],
    );
    if (!row) return undefined;
    if (row.preferences === null)
      return { preferences: structuredClone(DEFAULT_PREFERENCES), updatedAt: null };
    return toStored(row);
  }

  async put(
    tenantId: string,
    recipientId: string,
    preferences: RecipientPreferences,
  ): Promise<StoredPreferences | undefined> {
    // Selecting the recipient makes an unknown one insert nothing rather than break the foreign key.
    const [row]: PreferenceRow[] = await this.dataSource.query(
      `INSERT INTO router.preferences (tenant_id, recipient_id, preferences)
       SELECT tenant_id, recipient_id, $3::jsonb FROM router.recipients
       WHERE tenant_id = $1 AND recipient_id = $2
       ON CONFLICT (tenant_id, recipient_id)
         DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = now()
       RETURNING preferences, updated_at`,
      [tenantId, recipientId, JSON.stringify(RecipientPreferences.parse(preferences))],
    );
    return row ? toStored(row) : undefined;
  }

  async optOutOfCategory(
    tenantId: string,
    recipientId: string,
    category: string,
    channel?: ChannelName,
  ): Promise<OptOutOutcome> {
    // ON CONFLICT DO UPDATE locks the row and applies the change to its latest version, so two
    // opt-outs at once both land. A category beyond the limit updates nothing rather than store a
    // document that RecipientPreferences would refuse.
    const [row]: PreferenceRow[] = await this.dataSource.query(
      `INSERT INTO router.preferences AS stored (tenant_id, recipient_id, preferences)
       SELECT tenant_id, recipient_id, ${withOptOut('$5::jsonb')} FROM router.recipients
       WHERE tenant_id = $1 AND recipient_id = $2
       ON CONFLICT (tenant_id, recipient_id)
         DO UPDATE SET preferences = ${withOptOut('stored.preferences')}, updated_at = now()
         WHERE stored.preferences -> 'categories' ? $3::text
            OR (SELECT count(*) FROM jsonb_object_keys(coalesce(stored.preferences -> 'categories', '{}'::jsonb))) < $6
       RETURNING preferences, updated_at`,
      [tenantId, recipientId, category, channel ?? null, JSON.stringify(DEFAULT_PREFERENCES), MAX_CATEGORIES],
    );
    if (row) return { outcome: 'opted-out', stored: toStored(row) };
    const existing = await this.find(tenantId, recipientId);
    return existing ? { outcome: 'too-many-categories' } : { outcome: 'recipient-not-found' };
  }

  async findMany(keys: readonly RecipientKey[]): Promise<Map<string, RecipientPreferences>> {
    const found = new Map<string, RecipientPreferences>();
    if (keys.length === 0) return found;
    const rows: Array<{ tenant_id: string; recipient_id: string; preferences: unknown }> =
      await this.dataSource.query(
        `SELECT p.tenant_id, p.recipient_id, p.preferences
         FROM router.preferences p
         JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS wanted(tenant_id, recipient_id)
           USING (tenant_id, recipient_id)`,
        [keys.map((key) => key.tenantId), keys.map((key) => key.recipientId)],
      );
    for (const row of rows) {
      found.set(preferencesKey(row.tenant_id, row.recipient_id), RecipientPreferences.parse(row.preferences));
    }
    return found;
  }
}

// Parsed on the way out too: a document written before a field existed gets that field's default.
function toStored(row: PreferenceRow): StoredPreferences {
  return { preferences: RecipientPreferences.parse(row.preferences), updatedAt: row.updated_at };
}
