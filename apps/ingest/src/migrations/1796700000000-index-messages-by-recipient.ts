import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's messages in the order they were accepted, for their export (GDPR/CCPA): paged by
 * (accepted_at, message_id) without reading the tenant's other messages.
 */
export class IndexMessagesByRecipient1796700000000 implements MigrationInterface {
  name = 'IndexMessagesByRecipient1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX messages_by_recipient ON ingest.messages (tenant_id, (recipient ->> 'id'), accepted_at, message_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ingest.messages_by_recipient`);
  }
}
