import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A trigger may name the message type of the messages it makes; null: the tenant's default type. */
export class AddTriggerMessageType1796200000000 implements MigrationInterface {
  name = 'AddTriggerMessageType1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ingest.triggers ADD COLUMN message_type text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ingest.triggers DROP COLUMN message_type`);
  }
}
