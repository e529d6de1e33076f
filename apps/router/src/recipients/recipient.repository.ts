import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RecipientEncryption, type UnreadableValue } from './recipient-encryption';
import {
  type GoneSubscription,
  type ImportedProfile,
  type NewPushSubscription,
  type PushSubscriptionRegistration,
  type Recipient,
  type RecipientChanges,
  RecipientStore,
} from './recipient';
import { RecipientError } from './recipient-error';

interface RecipientRow {
  tenant_id: string;
  recipient_id: string;
  email: string | null;
  phone: string | null;
  time_zone: string | null;
  locale: string | null;
  /** A `sbenc:v1:` JSON string; an object in a row written before encryption. */
  attributes: unknown;
  created_at: Date;
  updated_at: Date;
}

interface PushSubscriptionRow {
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Date;
}

// Column of each field an upsert may change; the names are fixed here, never taken from input.
const CHANGE_COLUMNS: Record<keyof RecipientChanges, string> = {
  email: 'email',
  phone: 'phone',
  timeZone: 'time_zone',
  locale: 'locale',
  attributes: 'attributes',
};

/**
 * Recipients and push subscriptions in PostgreSQL, their personal values encrypted with each
 * recipient's data key (see RecipientEncryption): email, phone, attributes, and each subscription's
 * endpoint, p256dh and auth. Subscriptions are found by the blind index of their endpoint.
 */
@Injectable()
export class RecipientRepository extends RecipientStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: RecipientEncryption,
  ) {
    super();
  }

  async upsert(
    tenantId: string,
    recipientId: string,
    changes: RecipientChanges,
  ): Promise<{ recipient: Recipient; created: boolean }> {
    // Attributes are always sealed: a new row gets `{}` when the request leaves them out.
    const [sealed] = await this.encryption.sealChanges([
      { tenantId, recipientId, changes: { ...changes, attributes: changes.attributes ?? {} } },
    ]);
    return this.dataSource.transaction(async (manager) => {
      const changed = (Object.keys(CHANGE_COLUMNS) as Array<keyof RecipientChanges>).filter(
        (field) => changes[field] !== undefined,
      );
      const updates = [
        ...changed.map((field) => `${CHANGE_COLUMNS[field]} = EXCLUDED.${CHANGE_COLUMNS[field]}`),
        'updated_at = now()',
      ].join(', ');
      // xmax is 0 only on a row this statement inserted.
      const [{ created }]: Array<{ created: boolean }> = await manager.query(
        `INSERT INTO router.recipients (tenant_id, recipient_id, email, phone, time_zone, locale, attributes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET ${updates}
         RETURNING (xmax = 0) AS created`,
        [
          tenantId,
          recipientId,
          sealed.email ?? null,
          sealed.phone ?? null,
          sealed.timeZone ?? null,
          sealed.locale ?? null,
          JSON.stringify(sealed.attributes),
        ],
      );
      const recipient = await this.findIn(manager, tenantId, recipientId);
      if (!recipient) throw new Error('the recipient was upserted but is not there');
      return { recipient, created };
    });
  }

  async update(
    tenantId: string,
    recipientId: string,
    change: (current: Recipient) => RecipientChanges,
  ): Promise<Recipient | undefined> {
    await this.encryption.prepareRecipient(tenantId, recipientId);
    return this.dataSource.transaction(async (manager) => {
      const locked: unknown[] = await manager.query(
        `SELECT 1 FROM router.recipients WHERE tenant_id = $1 AND recipient_id = $2 FOR UPDATE`,
        [tenantId, recipientId],
      );
      if (locked.length === 0) return undefined;
      const current = await this.findIn(manager, tenantId, recipientId);
      if (!current) throw new Error('the recipient was locked but is not there');
      const changes = change(current);
      const changed = (Object.keys(CHANGE_COLUMNS) as Array<keyof RecipientChanges>).filter(
        (field) => changes[field] !== undefined,
      );
      const [sealed] = await this.encryption.sealChanges([{ tenantId, recipientId, changes }]);
      const values = changed.map((field) =>
        field === 'attributes' ? JSON.stringify(sealed.attributes) : sealed[field],
      );
      const assignments = [
        ...changed.map((field, index) => `${CHANGE_COLUMNS[field]} = $${index + 3}`),
        'updated_at = now()',
      ].join(', ');
      await manager.query(
        `UPDATE router.recipients SET ${assignments} WHERE tenant_id = $1 AND recipient_id = $2`,
        [tenantId, recipientId, ...values],
      );
      return this.findIn(manager, tenantId, recipientId);
    });
  }

  async importProfiles(tenantId: string, profiles: readonly ImportedProfile[]): Promise<Set<string>> {
    if (profiles.length === 0) return new Set();
    // One key lookup for the whole batch (the recipients' keys made in one statement if new).
    const sealed = await this.encryption.sealChanges(
      profiles.map(({ recipientId, profile }) => ({ tenantId, recipientId, changes: profile })),
    );
    // One statement for the whole batch: a column of values per field, unnested into rows.
    const rows: Array<{ recipient_id: string; created: boolean }> = await this.dataSource.query(
      `INSERT INTO router.recipients (tenant_id, recipient_id, email, phone, time_zone, locale, attributes)
       SELECT $1, imported.recipient_id, imported.email, imported.phone, imported.time_zone,
              imported.locale, imported.attributes::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS imported(recipient_id, email, phone, time_zone, locale, attributes)
       ON CONFLICT (tenant_id, recipient_id) DO UPDATE SET
         email = EXCLUDED.email, phone = EXCLUDED.phone, time_zone = EXCLUDED.time_zone,
         locale = EXCLUDED.locale, attributes = EXCLUDED.attributes, updated_at = now()
       RETURNING recipient_id, (xmax = 0) AS created`,
      [
        tenantId,
        profiles.map(({ recipientId }) => recipientId),
        sealed.map((profile) => profile.email ?? null),
        sealed.map((profile) => profile.phone ?? null),
        profiles.map(({ profile }) => profile.timeZone),
        profiles.map(({ profile }) => profile.locale),
        sealed.map((profile) => JSON.stringify(profile.attributes)),
      ],
    );
    return new Set(rows.filter((row) => row.created).map((row) => row.recipient_id));
  }

  find(tenantId: string, recipientId: string): Promise<Recipient | undefined> {
    return this.findIn(this.dataSource.manager, tenantId, recipientId);
  }

  async delete(tenantId: string, recipientId: string): Promise<boolean> {
    // The subscriptions go with it: their foreign key cascades.
    const deleted = await countChanged(
      this.dataSource.manager,
      `DELETE FROM router.recipients WHERE tenant_id = $1 AND recipient_id = $2 RETURNING 1`,
      [tenantId, recipientId],
    );
    return deleted > 0;
  }

  async addPushSubscription(
    tenantId: string,
    recipientId: string,
    subscription: NewPushSubscription,
    limit: number,
  ): Promise<PushSubscriptionRegistration> {
    const [sealed] = await this.encryption.sealSubscriptions([{ tenantId, recipientId, subscription }]);
    return this.dataSource.transaction(async (manager) => {
      // Locks the recipient, so that concurrent registrations keep to the limit.
      const touched = await countChanged(
        manager,
        `UPDATE router.recipients SET updated_at = now()
         WHERE tenant_id = $1 AND recipient_id = $2 RETURNING 1`,
        [tenantId, recipientId],
      );
      if (touched === 0) return { outcome: 'recipient-not-found' as const };
      const [{ created }]: Array<{ created: boolean }> = await manager.query(
        `INSERT INTO router.push_subscriptions (tenant_id, recipient_id, endpoint, p256dh, auth, endpoint_index)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, endpoint_index) DO UPDATE
           SET recipient_id = EXCLUDED.recipient_id, endpoint = EXCLUDED.endpoint,
               p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = now()
         RETURNING (xmax = 0) AS created`,
        [tenantId, recipientId, sealed.endpoint, sealed.p256dh, sealed.auth, sealed.endpointIndex],
      );
      // A row not rewritten yet holds the endpoint in the clear and no index: it is replaced.
      await manager.query(
        `DELETE FROM router.push_subscriptions
         WHERE tenant_id = $1 AND endpoint_index IS NULL AND endpoint = $2`,
        [tenantId, subscription.endpoint],
      );
      await manager.query(
        `DELETE FROM router.push_subscriptions WHERE id IN (
           SELECT id FROM router.push_subscriptions
           WHERE tenant_id = $1 AND recipient_id = $2
           ORDER BY created_at DESC, id DESC
           OFFSET $3)`,
        [tenantId, recipientId, limit],
      );
      const recipient = await this.findIn(manager, tenantId, recipientId);
      if (!recipient) throw new Error('the recipient was locked but is not there');
      return { outcome: 'registered' as const, created, recipient };
    });
  }

  async removePushSubscription(tenantId: string, recipientId: string, endpoint: string): Promise<boolean> {
    const removed = await countChanged(
      this.dataSource.manager,
      `DELETE FROM router.push_subscriptions
       WHERE tenant_id = $1 AND recipient_id = $2
         AND (endpoint_index = $3 OR (endpoint_index IS NULL AND endpoint = $4)) RETURNING 1`,
      [tenantId, recipientId, this.encryption.endpointIndex(tenantId, endpoint), endpoint],
    );
    return removed > 0;
  }

  async removeGoneSubscriptions(gone: readonly GoneSubscription[]): Promise<number> {
    if (gone.length === 0) return 0;
    return countChanged(
      this.dataSource.manager,
      `DELETE FROM router.push_subscriptions s
       USING unnest($1::text[], $2::text[], $3::text[], $4::text[])
         AS gone(tenant_id, recipient_id, endpoint_index, endpoint)
       WHERE s.tenant_id = gone.tenant_id AND s.recipient_id = gone.recipient_id
         AND (s.endpoint_index = gone.endpoint_index
              OR (s.endpoint_index IS NULL AND s.endpoint = gone.endpoint))
       RETURNING 1`,
      [
        gone.map((subscription) => subscription.tenantId),
        gone.map((subscription) => subscription.recipientId),
        gone.map((subscription) =>
          'endpointIndex' in subscription
            ? subscription.endpointIndex
            : this.encryption.endpointIndex(subscription.tenantId, subscription.endpoint),
        ),
        // Only an event that carries the endpoint can match a row the start-up rewrite has not indexed yet.
        gone.map((subscription) => ('endpoint' in subscription ? subscription.endpoint : null)),
      ],
    );
  }

  private async findIn(
    manager: EntityManager,
    tenantId: string,
    recipientId: string,
  ): Promise<Recipient | undefined> {
    const [row]: RecipientRow[] = await manager.query(
      `SELECT tenant_id, recipient_id, email, phone, time_zone, locale, attributes, created_at, updated_at
       FROM router.recipients WHERE tenant_id = $1 AND recipient_id = $2`,
      [tenantId, recipientId],
    );
    if (!row) return undefined;
    const subscriptions: PushSubscriptionRow[] = await manager.query(
      `SELECT endpoint, p256dh, auth, created_at FROM router.push_subscriptions
       WHERE tenant_id = $1 AND recipient_id = $2 ORDER BY created_at, id`,
      [tenantId, recipientId],
    );
    const [opened] = await this.encryption.openMany([
      {
        tenantId,
        recipientId,
        email: row.email,
        phone: row.phone,
        attributes: row.attributes,
        pushSubscriptions: subscriptions,
      },
    ]);
    if (opened.unreadable.length > 0) throw unreadable(recipientId, opened.unreadable);
    return {
      tenantId: row.tenant_id,
      recipientId: row.recipient_id,
      email: opened.email,
      phone: opened.phone,
      timeZone: row.time_zone,
      locale: row.locale,
      attributes: opened.attributes,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      // Values are opened in the order read, so the subscriptions and their times stay paired.
      pushSubscriptions: opened.pushSubscriptions.map((subscription, index) => ({
        ...subscription,
        createdAt: subscriptions[index].created_at,
      })),
    };
  }
}

/**
 * A recipient whose stored values do not open is not shown with some fields quietly missing:
 * erased (its key destroyed) answers 410, anything else (a value changed or copied from another
 * row) is a fault of the stored data, named by field and reason, never by value.
 */
function unreadable(recipientId: string, values: readonly UnreadableValue[]): RecipientError {
  const fields = values.map(({ field, code }) => `${field} (${code})`).join(', ');
  if (values.every(({ code }) => code === 'KEY_DESTROYED')) {
    return new RecipientError('RECIPIENT_ERASED', `recipient ${recipientId} was erased`);
  }
  return new RecipientError(
    'RECIPIENT_UNREADABLE',
    `stored values of recipient ${recipientId} do not decrypt: ${fields}`,
  );
}

/**
 * How many rows an UPDATE or DELETE ... RETURNING changed. Wrapped in a SELECT because TypeORM
 * answers a bare UPDATE or DELETE with [rows, count] rather than the rows.
 */
async function countChanged(
  manager: EntityManager,
  statement: string,
  parameters: unknown[],
): Promise<number> {
  const [{ count }]: Array<{ count: number }> = await manager.query(
    `WITH changed AS (${statement}) SELECT count(*)::int AS count FROM changed`,
    parameters,
  );
  return count;
}
