import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages are stored with their content sealed (a jsonb string); rows stored before hold it as an
 * object until the start-up rewrite (EncryptPlaintextMessages) has encrypted them. This partial
 * index finds those rows without reading the table, and is empty once they are all rewritten.
 */
export class IndexPlaintextMessages1796720000000 implements MigrationInterface {
  name = 'IndexPlaintextMessages1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX messages_plaintext ON ingest.messages (message_id) WHERE jsonb_typeof(content) = 'object'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ingest.messages_plaintext`);
  }
}
