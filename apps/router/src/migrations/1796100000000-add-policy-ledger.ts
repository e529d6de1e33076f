import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sending rules' state: sends counted against frequency limits and content claimed for dedup
 * windows, per recipient. A decision names the rule that decided it and may be 'cancelled'; a
 * deferral keeps the message so that it is decided again, with every rule, once due.
 */
export class AddPolicyLedger1796100000000 implements MigrationInterface {
  name = 'AddPolicyLedger1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE router.sends (
        tenant_id text NOT NULL,
        recipient text NOT NULL,
        message_id uuid NOT NULL,
        category text NOT NULL,
        channel text NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sends_recipient ON router.sends (tenant_id, recipient, sent_at)`);
    await queryRunner.query(`
      CREATE TABLE router.content_claims (
        tenant_id text NOT NULL,
        recipient text NOT NULL,
        fingerprint text NOT NULL,
        message_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, recipient, fingerprint)
      )`);
    await queryRunner.query(`ALTER TABLE router.schedules ADD COLUMN message jsonb, ADD COLUMN rule text`);
    await queryRunner.query(`
      ALTER TABLE router.decisions
        ADD COLUMN rule text,
        ADD COLUMN message_type text,
        DROP CONSTRAINT decisions_decision_check,
        ADD CONSTRAINT decisions_decision_check CHECK (decision IN ('routed', 'skipped', 'deferred', 'cancelled'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM router.decisions WHERE decision = 'cancelled'`);
    await queryRunner.query(`
      ALTER TABLE router.decisions
        DROP CONSTRAINT decisions_decision_check,
        ADD CONSTRAINT decisions_decision_check CHECK (decision IN ('routed', 'skipped', 'deferred')),
        DROP COLUMN message_type,
        DROP COLUMN rule`);
    await queryRunner.query(`ALTER TABLE router.schedules DROP COLUMN rule, DROP COLUMN message`);
    await queryRunner.query(`DROP TABLE router.content_claims`);
    await queryRunner.query(`DROP TABLE router.sends`);
  }
}
