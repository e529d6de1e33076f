import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A message may name its channels and channel policy; a redelivery must republish them. */
export class AddMessageChannels1795800000000 implements MigrationInterface {
  name = 'AddMessageChannels1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE ingest.messages
        ADD COLUMN channels text[],
        ADD COLUMN channel_policy text CHECK (channel_policy IN ('fallback', 'all'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ingest.messages DROP COLUMN channel_policy, DROP COLUMN channels`);
  }
}
