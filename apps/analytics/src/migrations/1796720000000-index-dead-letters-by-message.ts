import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A page of a person's messages finds their dead letters (recipient export) without reading the tenant's others. */
export class IndexDeadLettersByMessage1796720000000 implements MigrationInterface {
  name = 'IndexDeadLettersByMessage1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX dead_letters_by_message ON analytics.dead_letters (tenant_id, message_id) WHERE message_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.dead_letters_by_message`);
  }
}
