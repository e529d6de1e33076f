import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gives the deliveries table the shape of the shared sender runtime's ledger (one row per message
 * and channel, leases, the provider an unanswered attempt is pinned to, dead-lettered rows) and adds
 * its shared rate-limit buckets. Existing rows keep their status, provider, provider message id
 * (still indexed for receipts), reason and attempts. A row still 'sending' may have reached SES
 * (the old sender crashed during the call), so it stays pinned to its provider.
 */
export class MoveSenderEmailDeliveriesToSenderKit1795800000000 implements MigrationInterface {
  name = 'MoveSenderEmailDeliveriesToSenderKit1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE sender_email.deliveries
        ADD COLUMN channel text NOT NULL DEFAULT 'email',
        ADD COLUMN provider_pinned boolean NOT NULL DEFAULT false,
        ADD COLUMN detail jsonb,
        ADD COLUMN lease_owner text,
        ADD COLUMN lease_expires_at timestamptz,
        ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
        ALTER COLUMN provider DROP NOT NULL,
        ALTER COLUMN attempts SET DEFAULT 0,
        DROP CONSTRAINT deliveries_status_check,
        ADD CONSTRAINT deliveries_status_check
          CHECK (status IN ('sending', 'sent', 'failed', 'dead-lettered')),
        DROP CONSTRAINT deliveries_pkey,
        ADD CONSTRAINT deliveries_pkey PRIMARY KEY (message_id, channel)`);
    await queryRunner.query(`ALTER TABLE sender_email.deliveries ALTER COLUMN channel DROP DEFAULT`);
    // The old table kept no creation time; the last change is the nearest there is.
    await queryRunner.query(`
      UPDATE sender_email.deliveries SET created_at = updated_at, provider_pinned = (status = 'sending')`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS sender_email.rate_limit_buckets (
        bucket_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        granted_by_last_take integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS sender_email.rate_limit_buckets`);
    // The old sender retried a dead-lettered row like one still sending, and had one provider.
    await queryRunner.query(`
      UPDATE sender_email.deliveries
      SET status = CASE WHEN status = 'dead-lettered' THEN 'sending' ELSE status END,
          provider = COALESCE(provider, 'ses')
      WHERE status = 'dead-lettered' OR provider IS NULL`);
    await queryRunner.query(`
      ALTER TABLE sender_email.deliveries
        DROP CONSTRAINT deliveries_pkey,
        ADD CONSTRAINT deliveries_pkey PRIMARY KEY (message_id),
        DROP CONSTRAINT deliveries_status_check,
        ADD CONSTRAINT deliveries_status_check CHECK (status IN ('sending', 'sent', 'failed')),
        ALTER COLUMN provider SET NOT NULL,
        ALTER COLUMN attempts SET DEFAULT 1,
        DROP COLUMN channel,
        DROP COLUMN provider_pinned,
        DROP COLUMN detail,
        DROP COLUMN lease_owner,
        DROP COLUMN lease_expires_at,
        DROP COLUMN created_at`);
  }
}
