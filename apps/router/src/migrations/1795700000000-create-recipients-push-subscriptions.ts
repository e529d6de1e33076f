import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRecipientsPushSubscriptions1795700000000 implements MigrationInterface {
  name = 'CreateRecipientsPushSubscriptions1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE router.recipients (
        tenant_id text NOT NULL,
        recipient_id text NOT NULL,
        email text,
        phone text,
        time_zone text,
        locale text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, recipient_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE router.push_subscriptions (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        recipient_id text NOT NULL,
        endpoint text NOT NULL,
        p256dh text NOT NULL,
        auth text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, recipient_id) REFERENCES router.recipients (tenant_id, recipient_id)
          ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX push_subscriptions_endpoint ON router.push_subscriptions (tenant_id, endpoint)`,
    );
    // Serves the foreign key's cascade and the newest-first trim to the per-recipient limit.
    await queryRunner.query(
      `CREATE INDEX push_subscriptions_recipient ON router.push_subscriptions (tenant_id, recipient_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.push_subscriptions`);
    await queryRunner.query(`DROP TABLE router.recipients`);
  }
}
