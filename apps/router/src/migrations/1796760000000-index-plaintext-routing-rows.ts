import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions and deferred messages are stored sealed; rows written before hold their render
 * requests as an array, or their message's content as an object, until the start-up rewrite
 * (EncryptPlaintextRoutingRows) seals them. These partial indexes find those rows without reading
 * the tables, and are empty once they are all rewritten.
 */
export class IndexPlaintextRoutingRows1796760000000 implements MigrationInterface {
  name = 'IndexPlaintextRoutingRows1796760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX decisions_plaintext ON router.decisions (message_id) WHERE jsonb_typeof(render_requests) = 'array'`,
    );
    await queryRunner.query(
      `CREATE INDEX schedules_plaintext ON router.schedules (message_id) WHERE jsonb_typeof(message -> 'content') = 'object'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.schedules_plaintext`);
    await queryRunner.query(`DROP INDEX router.decisions_plaintext`);
  }
}
