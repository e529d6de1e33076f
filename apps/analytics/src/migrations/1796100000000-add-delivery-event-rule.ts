import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A router decision names the sending rule that decided it; the timeline shows it, and a rollup
 * counts the router's decisions by outcome and rule (per delivery-events partition, as the other).
 */
export class AddDeliveryEventRule1796100000000 implements MigrationInterface {
  name = 'AddDeliveryEventRule1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics.delivery_events ADD COLUMN rule text`);
    await queryRunner.query(`
      CREATE TABLE analytics.decision_counts (
        shard integer NOT NULL,
        decision text NOT NULL,
        rule text NOT NULL,
        decisions bigint NOT NULL,
        PRIMARY KEY (decision, rule, shard)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.decision_counts`);
    await queryRunner.query(`ALTER TABLE analytics.delivery_events DROP COLUMN rule`);
  }
}
