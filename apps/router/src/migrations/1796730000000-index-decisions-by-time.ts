import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the retention sweep find routing decisions past their period without reading the whole table. */
export class IndexDecisionsByTime1796730000000 implements MigrationInterface {
  name = 'IndexDecisionsByTime1796730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX decisions_by_time ON router.decisions (decided_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.decisions_by_time`);
  }
}
