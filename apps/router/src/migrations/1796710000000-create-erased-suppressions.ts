import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suppressions of erased recipients, kept only as a blind index (keyed HMAC) of the address:
 * enough to refuse a new message to that address, nothing that says what the address was.
 */
export class CreateErasedSuppressions1796710000000 implements MigrationInterface {
  name = 'CreateErasedSuppressions1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE router.erased_suppressions (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        channel text NOT NULL,
        address_index text NOT NULL,
        reason text NOT NULL,
        category text,
        source text NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX erased_suppressions_address ON router.erased_suppressions (tenant_id, channel, address_index, coalesce(category, ''))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.erased_suppressions`);
  }
}
