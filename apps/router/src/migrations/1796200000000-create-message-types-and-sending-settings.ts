import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants define message types and their sending settings. Each is one JSON document: routing
 * reads them whole and caches them, and a field added later needs no migration.
 */
export class CreateMessageTypesAndSendingSettings1796200000000 implements MigrationInterface {
  name = 'CreateMessageTypesAndSendingSettings1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE router.message_types (
        tenant_id text NOT NULL,
        key text NOT NULL,
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`);
    await queryRunner.query(`
      CREATE TABLE router.sending_settings (
        tenant_id text PRIMARY KEY,
        settings jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.sending_settings`);
    await queryRunner.query(`DROP TABLE router.message_types`);
  }
}
