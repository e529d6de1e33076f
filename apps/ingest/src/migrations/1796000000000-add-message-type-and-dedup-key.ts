import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message may name its type and a dedup key, and may leave its priority to its type: a
 * redelivery must republish each as it was given.
 */
export class AddMessageTypeAndDedupKey1796000000000 implements MigrationInterface {
  name = 'AddMessageTypeAndDedupKey1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE ingest.messages
        ADD COLUMN message_type text,
        ADD COLUMN dedup_key text,
        ALTER COLUMN priority DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE ingest.messages SET priority = 'normal' WHERE priority IS NULL`);
    await queryRunner.query(`
      ALTER TABLE ingest.messages
        ALTER COLUMN priority SET NOT NULL,
        DROP COLUMN dedup_key,
        DROP COLUMN message_type`);
  }
}
