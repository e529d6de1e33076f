import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the retention sweep find items past their period without reading the whole table. */
export class IndexInboxItemsByCreation1796710000000 implements MigrationInterface {
  name = 'IndexInboxItemsByCreation1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX inbox_items_by_creation ON sender_inapp.inbox_items (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sender_inapp.inbox_items_by_creation`);
  }
}
