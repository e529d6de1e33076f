import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RecipientEncryption } from './recipient-encryption';
import { ContactPointLookup, type RecipientContactPoints, contactPointsKey } from './contact-point-lookup';

interface ContactPointRow {
  tenant_id: string;
  recipient_id: string;
  email: string | null;
  phone: string | null;
  time_zone: string | null;
  push_subscriptions: Array<{ endpoint: string; p256dh: string; auth: string }> | null;
}

/**
 * One query for a whole batch's recipients, their push subscriptions folded in, instead of two
 * queries per recipient: routing reads every recipient a batch names. Their values are decrypted
 * with one more query at most, for the data keys not cached. A value that does not decrypt is
 * left out (routing then finds no such contact point) and logged, never failing the batch.
 */
@Injectable()
export class ContactPointRepository extends ContactPointLookup {
  private readonly logger = new Logger(ContactPointRepository.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: RecipientEncryption,
  ) {
    super();
  }

  async findMany(
    keys: ReadonlyArray<{ tenantId: string; recipientId: string }>,
  ): Promise<Map<string, RecipientContactPoints>> {
    const found = new Map<string, RecipientContactPoints>();
    if (keys.length === 0) return found;
    const rows: ContactPointRow[] = await this.dataSource.query(
      `SELECT r.tenant_id, r.recipient_id, r.email, r.phone, r.time_zone,
              (SELECT json_agg(json_build_object('endpoint', s.endpoint, 'p256dh', s.p256dh, 'auth', s.auth)
                               ORDER BY s.created_at, s.id)
               FROM router.push_subscriptions s
               WHERE s.tenant_id = r.tenant_id AND s.recipient_id = r.recipient_id) AS push_subscriptions
       FROM router.recipients r
       JOIN unnest($1::text[], $2::text[]) AS wanted(tenant_id, recipient_id)
         ON r.tenant_id = wanted.tenant_id AND r.recipient_id = wanted.recipient_id`,
      [keys.map(({ tenantId }) => tenantId), keys.map(({ recipientId }) => recipientId)],
    );
    const opened = await this.encryption.openMany(
      rows.map((row) => ({
        tenantId: row.tenant_id,
        recipientId: row.recipient_id,
        email: row.email,
        phone: row.phone,
        pushSubscriptions: row.push_subscriptions ?? [],
      })),
    );
    rows.forEach((row, index) => {
      const { email, phone, pushSubscriptions, unreadable } = opened[index];
      for (const { field, code, keyId } of unreadable) {
        // Neither the recipient id nor the value: the tenant and data key id find the row.
        this.logger.warn(
          `a stored ${field} of tenant ${row.tenant_id} (data key ${keyId ?? 'unknown'}) does not decrypt: ${code}; routed without it`,
        );
      }
      found.set(contactPointsKey(row.tenant_id, row.recipient_id), {
        email,
        phone,
        timeZone: row.time_zone,
        pushSubscriptions,
      });
    });
    return found;
  }
}
