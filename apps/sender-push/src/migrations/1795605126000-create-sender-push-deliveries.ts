import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sender runtime's delivery ledger and the push services' shared rate-limit bucket. The SQL is
 * written out, not generated from the libs, so this migration never changes after it lands.
 */
export class CreateSenderPushDeliveries1795605126000 implements MigrationInterface {
  name = 'CreateSenderPushDeliveries1795605126000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sender_push"."deliveries" (
        message_id uuid NOT NULL,
        channel text NOT NULL,
        tenant_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'dead-lettered')),
        provider text,
        provider_pinned boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0,
        provider_message_id text,
        reason text,
        detail jsonb,
        lease_owner text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, channel)
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "sender_push"."rate_limit_buckets" (
        bucket_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        granted_by_last_take integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "sender_push"."rate_limit_buckets"`);
    await queryRunner.query(`DROP TABLE "sender_push"."deliveries"`);
  }
}
