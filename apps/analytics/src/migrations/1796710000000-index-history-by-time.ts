import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the retention sweep find history past its period without reading whole tables. */
export class IndexHistoryByTime1796710000000 implements MigrationInterface {
  name = 'IndexHistoryByTime1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX delivery_events_by_time ON analytics.delivery_events (occurred_at)`,
    );
    await queryRunner.query(`CREATE INDEX message_status_by_time ON analytics.message_status (updated_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX analytics.message_status_by_time`);
    await queryRunner.query(`DROP INDEX analytics.delivery_events_by_time`);
  }
}
