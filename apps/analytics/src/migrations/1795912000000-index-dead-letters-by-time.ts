import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexDeadLettersByTime1795912000000 implements MigrationInterface {
  name = 'IndexDeadLettersByTime1795912000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The operators' list: every tenant's dead letters, newest first (one tenant's, and those without
    // a tenant, use dead_letters_by_tenant).
    await queryRunner.query(`
      CREATE INDEX dead_letters_by_time ON analytics.dead_letters (parked_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.dead_letters_by_time`);
  }
}
