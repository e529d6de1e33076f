import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A router decision names the sending rule that decided it; the timeline shows it. */
export class AddDeliveryEventRule1796100000000 implements MigrationInterface {
  name = 'AddDeliveryEventRule1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics.delivery_events ADD COLUMN rule text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics.delivery_events DROP COLUMN rule`);
  }
}
