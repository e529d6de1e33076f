import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the retention sweep find messages past their period without reading the whole table. */
export class IndexMessagesByAcceptance1796710000000 implements MigrationInterface {
  name = 'IndexMessagesByAcceptance1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX messages_by_acceptance ON ingest.messages (accepted_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ingest.messages_by_acceptance`);
  }
}
