import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRecipientPreferences1796300000000 implements MigrationInterface {
  name = 'CreateRecipientPreferences1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The primary key serves the cascade from recipients, so no other index is needed.
    await queryRunner.query(`
      CREATE TABLE router.preferences (
        tenant_id text NOT NULL,
        recipient_id text NOT NULL,
        preferences jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, recipient_id),
        FOREIGN KEY (tenant_id, recipient_id) REFERENCES router.recipients (tenant_id, recipient_id)
          ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.preferences`);
  }
}
